"""The pure rules of the student import: header matching, cell values and one row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.imports import CandidateRow, RowError

GOOD = {
    "student_number": "000123", "first_name": "Zoë", "infix": "van", "last_name": "Dijk",
    "email": " Zoe.VanDijk@Example.NL ", "programme": "Verzorgende-IG", "supervisor": "begeleider@demo.nl",
    "trainer": "", "groups": "VIG-1A; BOL | vig-1a", "cohort": "01-09-2025",
}


def test_real_export_headers_are_recognised_in_dutch_and_english():
    headers = ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "E-mailadres", "Opleiding",
               "SLB-er", "Werkbegeleider", "Klas", "Cohort"]
    mapping = rules.suggest_mapping(headers)
    assert mapping == {
        "student_number": 0, "first_name": 1, "infix": 2, "last_name": 3, "email": 4, "programme": 5,
        "supervisor": 6, "trainer": 7, "groups": 8, "cohort": 9,
    }
    english = rules.suggest_mapping(["Student number", "First name", "Last name", "Email address", "Programme", "Supervisor"])
    assert None not in [english[k] for k in ("student_number", "first_name", "last_name", "email", "programme", "supervisor")]
    assert rules.field_for_header("  TUSSENVOEGSEL ") == "infix"
    assert rules.field_for_header("e_mail") == "email"
    assert rules.field_for_header("Lievelingskleur") is None


def test_the_saved_mapping_wins_over_synonyms_and_a_column_serves_one_field():
    headers = ["Nr", "Naam", "Studentnummer"]
    mapping = rules.suggest_mapping(headers, {"student_number": "nr", "last_name": "Naam"})
    assert mapping["student_number"] == 0 and mapping["last_name"] == 1
    assert list(mapping.values()).count(0) == 1


def test_missing_required_fields_are_named_by_their_dutch_label():
    assert rules.missing_required({"student_number": 0, "last_name": 1}) == ["E-mailadres", "Opleiding", "Praktijkbegeleider"]


def test_a_good_row_becomes_a_clean_candidate():
    row = rules.validate_row(1, GOOD)
    assert isinstance(row, CandidateRow)
    assert row.student_number == "000123"
    assert row.email == "zoe.vandijk@example.nl"
    assert row.groups == ("VIG-1A", "BOL")  # split on , ; | and deduplicated case-insensitively
    assert row.cohort == "2025"  # a start date names its year
    assert row.trainer is None


def test_required_fields_and_email_syntax_give_one_dutch_reason():
    row = rules.validate_row(7, {**GOOD, "last_name": " ", "email": "geen mail", "supervisor": ""})
    assert isinstance(row, RowError) and row.row_number == 7
    assert "Achternaam ontbreekt" in row.reason and "Praktijkbegeleider ontbreekt" in row.reason
    assert "'geen mail' is geen geldig e-mailadres" in row.reason


def test_formula_like_text_is_kept_as_text():
    row = rules.validate_row(1, {**GOOD, "first_name": "=HYPERLINK(\"x\")", "last_name": "+31", "infix": "-", "cohort": "@2025"})
    assert isinstance(row, CandidateRow)
    assert row.first_name == '=HYPERLINK("x")' and row.last_name == "+31" and row.cohort == "@2025"
    assert rules.is_formula_like(row.first_name)


def test_duplicate_numbers_and_emails_in_one_file_refuse_every_copy():
    rows = [
        rules.validate_row(1, GOOD),
        rules.validate_row(2, {**GOOD, "email": "other@example.nl"}),
        rules.validate_row(3, {**GOOD, "student_number": "999"}),
        rules.validate_row(4, {**GOOD, "student_number": "555", "email": "unique@example.nl"}),
    ]
    result = rules.mark_duplicates(rows)
    assert [type(r).__name__ for r in result] == ["RowError", "RowError", "RowError", "CandidateRow"]
    assert "rijen 1, 2" in result[0].reason and "rijen 1, 3" in result[0].reason


def test_dates_in_dutch_and_iso_form():
    assert rules.parse_date("01-09-2025").isoformat() == "2025-09-01"
    assert rules.parse_date("1/9/2025").isoformat() == "2025-09-01"
    assert rules.parse_date("2025-09-01").isoformat() == "2025-09-01"
    assert rules.parse_date("31-02-2025") is None
    assert rules.normalise_cohort("2025-2026") == "2025-2026"


def test_people_are_matched_by_email_or_full_name_with_or_without_infix():
    index = rules.ReferenceIndex([
        rules.person_reference(1, "begeleider@demo.nl", "Bas", "de", "Begeleider"),
        rules.person_reference(2, "jan1@x.nl", "Jan", None, "Smit"),
        rules.person_reference(3, "jan2@x.nl", "Jan", None, "Smit"),
    ])
    for text in ("BEGELEIDER@demo.nl", "bas de begeleider", "Bas Begeleider", "Begeleider, Bas de", "de Begeleider, Bas"):
        assert index.match(text) == [1], text
    assert index.match("Jan Smit") == [2, 3]
    assert index.match("Niemand") == []


def test_programmes_match_by_name_or_crebo():
    index = rules.ReferenceIndex([rules.programme_reference(5, "Verzorgende-IG", "25491")])
    assert index.match("verzorgende-ig") == [5] and index.match("25491") == [5]


def test_only_valid_choices_are_accepted_per_kind():
    assert rules.resolution_choice("group", "create") == "create"
    assert rules.resolution_choice("programme", "create") is None
    assert rules.resolution_choice("programme", "none") is None
    assert rules.resolution_choice("trainer", "none") == "none"
    assert rules.resolution_choice("supervisor", "id:12") == "id:12"
    assert rules.resolution_choice("supervisor", "id:x; drop") is None
    assert rules.default_resolution("group", 0) == "create"
    assert rules.default_resolution("group", 2) == "skip"


cell_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


@settings(max_examples=300)
@given(st.fixed_dictionaries({f.key: st.one_of(st.none(), cell_text) for f in rules.FIELDS}), st.integers(1, 10**6))
def test_arbitrary_text_cells_always_give_a_row_or_a_reason(values, number):
    result = rules.validate_row(number, values)
    assert isinstance(result, (CandidateRow, RowError))
    assert result.row_number == number
    if isinstance(result, RowError):
        assert result.reason.strip()
    else:
        assert result.student_number and result.last_name and result.email


@given(st.lists(cell_text, max_size=12))
def test_arbitrary_headers_never_break_the_mapping(headers):
    mapping = rules.suggest_mapping(headers)
    used = [i for i in mapping.values() if i is not None]
    assert len(used) == len(set(used)) and all(0 <= i < len(headers) for i in used)


def test_headers_of_dutch_student_administrations_are_recognised():
    # Eduarte, Magister and Somtoday exports name their columns like this.
    headers = ["Stamnr", "Roepnaam", "Tussenv.", "Achternaam", "E-mailadres", "Opleiding", "Mentor"]
    assert rules.suggest_mapping(headers) == {
        "student_number": 0, "first_name": 1, "infix": 2, "last_name": 3, "email": 4, "programme": 5,
        "supervisor": 6, "trainer": None, "groups": None, "cohort": None,
    }
    for header in ("Stamnr", "Stamnr.", "Stamnummer", "STAMNUMMER", "Leerlingnummer", "Leerlingnr."):
        assert rules.field_for_header(header) == "student_number", header
    assert rules.field_for_header("Mentor") == "supervisor"
    assert rules.field_for_header("Roepnaam") == "first_name"
    for header in ("Tussenv.", "Tussenv", "Voorv."):
        assert rules.field_for_header(header) == "infix", header


def test_a_refused_row_names_its_spreadsheet_row_student_number_and_name():
    row = rules.validate_row(3, {**GOOD, "student_number": "00123", "first_name": "Fleur", "infix": "van der",
                                 "last_name": "Berg", "email": ""}, sheet_row=4)
    assert isinstance(row, RowError)
    assert (row.row_number, row.sheet_row, row.student_number, row.name) == (3, 4, "00123", "Fleur van der Berg")
    assert row.reason == "E-mailadres ontbreekt."
    assert row.details == "rij 4 in het bestand, studentnummer 00123, Fleur van der Berg"
    # What the row lacks is left out rather than shown empty.
    bare = rules.validate_row(5, {"last_name": "Berg"}, sheet_row=9)
    assert bare.details == "rij 9 in het bestand, Berg"


def test_copies_of_a_student_number_are_named_by_their_spreadsheet_rows():
    rows = [rules.validate_row(1, GOOD, sheet_row=2), rules.validate_row(2, GOOD, sheet_row=5)]
    first, second = rules.mark_duplicates(rows)
    assert "(rijen 2, 5 in het bestand)" in first.reason
    assert (second.sheet_row, second.student_number, second.name) == (5, "000123", "Zoë van Dijk")
