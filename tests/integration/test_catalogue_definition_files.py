"""Exam definitions: the file format, its rules and its round trip (no database, no Flask)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mijnportfolio.adapters.exam_definition import (
    EXAMPLE_YAML,
    dump_exam_definition,
    parse_exam_definition,
)
from mijnportfolio.domain.catalogue import (
    CoreTaskDefinition,
    CriterionDefinition,
    ExamDefinition,
    InvalidExamDefinition,
    PartDefinition,
    ScoringDefinition,
    WorkProcessDefinition,
    definition_problems,
    validate_code,
    validate_justification_scores,
    validate_max_attempts,
    validate_pass_mark,
)
from mijnportfolio.domain.errors import InvalidValue

# --- strategies ------------------------------------------------------------------------------

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzëé ABCDEFGHIJ0123456789.,:'\"#-\n", min_size=1, max_size=40).map(
    str.strip
).filter(bool)
codes = st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True)


@st.composite
def definitions(draw) -> ExamDefinition:
    core_count = draw(st.integers(1, 3))
    core_tasks = []
    wp_codes: list[list[str]] = []
    for c in range(core_count):
        n = draw(st.integers(1, 3))
        codes_here = [f"B1-K{c + 1}-W{w + 1}" for w in range(n)]
        wp_codes.append(codes_here)
        core_tasks.append(
            CoreTaskDefinition(
                code=f"B1-K{c + 1}",
                title=draw(words),
                work_processes=tuple(WorkProcessDefinition(code=code, title=draw(words)) for code in codes_here),
            )
        )
    part_count = draw(st.integers(1, 4))
    # Every core task needs a criterion: spread one per core task first, then random extras.
    criteria_per_part: list[list[CriterionDefinition]] = [[] for _ in range(part_count)]

    def criterion(code: str) -> CriterionDefinition:
        descriptors = draw(st.dictionaries(st.integers(1, 5), words, max_size=5))
        return CriterionDefinition(work_process=code, text=draw(words), knock_out=draw(st.booleans()), descriptors=descriptors)

    for c in range(core_count):
        criteria_per_part[draw(st.integers(0, part_count - 1))].append(criterion(draw(st.sampled_from(wp_codes[c]))))
    all_codes = [code for group in wp_codes for code in group]
    for index in range(part_count):
        for _ in range(draw(st.integers(0 if criteria_per_part[index] else 1, 3))):
            criteria_per_part[index].append(criterion(draw(st.sampled_from(all_codes))))
    numbers = draw(st.permutations(list(range(1, part_count + 1))))
    parts = tuple(
        PartDefinition(number=number, title=draw(words), criteria=tuple(criteria_per_part[i]))
        for i, number in enumerate(numbers)
    )
    pass_mark = Decimal(draw(st.integers(10, 100))) / 10
    return ExamDefinition(
        code=draw(codes),
        name=draw(words),
        module=draw(st.none() | words),
        planning_instruction=draw(st.none() | words),
        location=draw(st.none() | words),
        max_attempts=draw(st.none() | st.integers(1, 99)),
        scoring=ScoringDefinition(
            pass_mark=pass_mark,
            justification_scores=tuple(sorted(draw(st.sets(st.integers(1, 5))))),
            work_process_minimum=draw(st.none() | st.integers(10, 100).map(lambda n: Decimal(n) / 10)),
        ),
        core_tasks=tuple(core_tasks),
        parts=parts,
    )


def _sorted_parts(definition: ExamDefinition) -> ExamDefinition:
    return attrs.evolve(definition, parts=tuple(sorted(definition.parts, key=lambda p: p.number)))


# --- the rules -------------------------------------------------------------------------------


@given(definitions())
@settings(max_examples=60, deadline=None)
def test_every_generated_valid_definition_passes_the_rules(definition):
    assert definition_problems(definition) == []


@given(definitions(), st.sampled_from(["yaml", "json"]))
@settings(max_examples=60, deadline=None)
def test_download_then_upload_gives_the_same_definition(definition, fmt):
    assert parse_exam_definition(dump_exam_definition(definition, fmt), f"examen.{fmt}") == definition


@given(definitions(), st.integers().filter(lambda n: n not in range(1, 6)))
@settings(max_examples=40, deadline=None)
def test_a_descriptor_for_a_score_outside_1_to_5_is_named_precisely(definition, score):
    part = definition.parts[0]
    first = part.criteria[0]
    bad = attrs.evolve(first, descriptors={**first.descriptors, score: "tekst"})
    broken = attrs.evolve(definition, parts=(attrs.evolve(part, criteria=(bad,) + part.criteria[1:]),) + definition.parts[1:])
    place = "Onderdeel 1" if part.number == 1 else f"Onderdeel 1 (nummer {part.number})"
    assert f"{place}, criterium 1: een beschrijving voor score {score} is niet toegestaan (alleen 1 t/m 5)." in definition_problems(broken)


@given(definitions().filter(lambda d: len(d.parts) >= 2))
@settings(max_examples=40, deadline=None)
def test_a_missing_part_number_is_reported(definition):
    ordered = _sorted_parts(definition)
    # Leave out part 1 and renumber nothing: numbers 2..n of n-1 parts leave a gap at the top.
    shortened = attrs.evolve(ordered, parts=ordered.parts[1:])
    problems = definition_problems(shortened)
    assert any("ontbreekt: de onderdelen moeten doorlopend genummerd zijn" in p for p in problems)


def test_unknown_work_process_duplicate_parts_and_empty_parts_are_each_reported():
    definition = parse_exam_definition(EXAMPLE_YAML.encode(), "x.yaml")
    part1, part2 = definition.parts
    wrong = attrs.evolve(part2, number=1, criteria=(attrs.evolve(part2.criteria[0], work_process="B1-K9-W9"),))
    problems = definition_problems(attrs.evolve(definition, parts=(part1, wrong, PartDefinition(number=3))))
    assert "Onderdeel 2 (nummer 1): het nummer 1 komt twee keer voor." in problems
    assert any(p.startswith("Onderdeel 2 (nummer 1), criterium 1: werkproces B1-K9-W9 bestaat niet") for p in problems)
    assert "Onderdeel 3: heeft geen criteria; elk onderdeel heeft er minstens één." in problems


def test_codes_are_unique_over_core_tasks_and_work_processes():
    definition = parse_exam_definition(EXAMPLE_YAML.encode(), "x.yaml")
    dup = attrs.evolve(
        definition.core_tasks[1],
        work_processes=(WorkProcessDefinition(code="b1-k1-w1"),) + definition.core_tasks[1].work_processes,
    )
    problems = definition_problems(attrs.evolve(definition, core_tasks=(definition.core_tasks[0], dup)))
    assert any("de code b1-k1-w1 komt al voor bij Kerntaak 1 (B1-K1), werkproces 1" in p for p in problems)


@pytest.mark.parametrize(
    "value, expected",
    [("5,5", Decimal("5.5")), ("10", Decimal("10.0")), (1, Decimal("1.0")), (5.5, Decimal("5.5")), ("7.0", Decimal("7.0"))],
)
def test_pass_marks_from_1_to_10_with_one_decimal_are_accepted(value, expected):
    assert validate_pass_mark(value) == expected


@given(st.decimals(allow_nan=True, allow_infinity=True, places=2))
def test_a_pass_mark_is_refused_outside_1_to_10_or_with_two_decimals(value):
    valid = value.is_finite() and Decimal(1) <= value <= Decimal(10) and value == value.quantize(Decimal("0.1"))
    try:
        validate_pass_mark(value)
    except InvalidValue as exc:
        assert not valid and "cesuur" in exc.message.lower()
    else:
        assert valid


@pytest.mark.parametrize("value", ["L M", "", "x" * 31, "LM!", "-LM"])
def test_bad_exam_codes_are_refused(value):
    with pytest.raises(InvalidValue):
        validate_code(value, "De examencode")


def test_justification_scores_and_max_attempts_have_their_ranges():
    assert validate_justification_scores(["5", 1, "2", 1]).to_text() == "1,2,5"
    assert validate_justification_scores([]).to_text() == ""
    with pytest.raises(InvalidValue, match="Score 6 bestaat niet"):
        validate_justification_scores([6])
    assert validate_max_attempts("") is None and validate_max_attempts("3") == 3
    for bad in ("0", "100", "drie", True):
        with pytest.raises(InvalidValue):
            validate_max_attempts(bad)


# --- the file layer --------------------------------------------------------------------------


def _errors(content: bytes | str, filename: str = "examen.yaml") -> list[str]:
    data = content.encode() if isinstance(content, str) else content
    with pytest.raises(InvalidExamDefinition) as info:
        parse_exam_definition(data, filename)
    return info.value.errors


def test_the_example_file_is_a_valid_definition():
    definition = parse_exam_definition(EXAMPLE_YAML.encode(), "voorbeeld.yaml")
    assert definition.code == "LM" and len(definition.parts) == 2 and definition.scoring.justification_scores == (1, 2, 5)


def test_json_keys_as_text_and_yaml_keys_as_numbers_both_work_for_descriptors():
    json_text = dump_exam_definition(parse_exam_definition(EXAMPLE_YAML.encode()), "json").decode()
    assert '"1": "Brengt de gezondheidstoestand niet in kaart."' in json_text
    assert parse_exam_definition(json_text.encode(), "x.json") == parse_exam_definition(EXAMPLE_YAML.encode(), "x.yaml")


def test_field_errors_name_the_place_and_the_field():
    text = EXAMPLE_YAML.replace("        text: De student stelt", "        tekst: De student stelt").replace(
        "max_attempts: 3  ", "max_attempts: drie  ")
    errors = _errors(text)
    assert "Onderdeel 1, criterium 2: de tekst (text) ontbreekt." in errors
    assert "Onderdeel 1, criterium 2: onbekend veld 'tekst'; bedoel je 'text'?" in errors
    assert "Examen: het maximaal aantal pogingen (max_attempts) moet een geheel getal zijn, niet 'drie'." in errors


def test_a_list_where_fields_are_expected_is_explained():
    errors = _errors("code: LM\nname: x\ncore_tasks: [B1-K1]\nparts: geen\n")
    assert "Kerntaak 1: hier worden velden verwacht (zoals code, title, work_processes), geen losse waarde." in errors
    assert "Examen: de onderdelen (parts) moeten een lijst zijn." in errors


@pytest.mark.parametrize(
    "content, filename, start",
    [
        (b"\x00\x01\x02binary", "x.bin", "Dit is geen JSON- of YAML-bestand"),
        ("\udcff".encode("utf-8", "surrogateescape") + b"abc", "x.yaml", "Dit is geen JSON- of YAML-bestand"),
        ("   \n", "x.yaml", "Het bestand is leeg."),
        ("code: [", "x.yml", "Het bestand is geen geldige YAML of JSON: fout op regel"),
        ('{"code": }', "x.json", "Het bestand is geen geldige JSON: fout op regel 1, kolom 10"),
        ("- a\n- b\n", "x.yaml", "Het bestand beschrijft geen examen"),
        ("a: 1\n---\nb: 2\n", "x.yaml", "Het bestand is geen geldige YAML of JSON"),
        ("a: &x 1\nb: *x\n", "x.yaml", "YAML-verwijzingen"),
        ("a: " + "[" * 30 + "]" * 30, "x.yaml", "Het bestand is te diep genest"),
        ("x" * 1_000_001, "x.yaml", "Het bestand is te groot"),
        ("a: !!python/object/apply:os.system ['true']", "x.yaml", "Het bestand is geen geldige YAML of JSON"),
    ],
)
def test_files_that_are_no_exam_definition_get_one_clear_message(content, filename, start):
    errors = _errors(content, filename)
    assert len(errors) == 1 and errors[0].startswith(start), errors


def test_a_file_with_very_many_errors_is_summarised():
    criteria = "\n".join(f"      - work_process: X{i}\n        text: t" for i in range(80))
    text = EXAMPLE_YAML.split("parts:")[0] + f"parts:\n  - number: 1\n    criteria:\n{criteria}\n"
    errors = _errors(text)
    assert len(errors) == 51 and errors[-1].startswith("… en nog ")


def test_the_example_file_is_the_definition_the_use_case_tests_build():
    from tests.unit.test_catalogue_use_cases import _definition

    assert parse_exam_definition(EXAMPLE_YAML.encode(), "voorbeeld.yaml") == _definition()
