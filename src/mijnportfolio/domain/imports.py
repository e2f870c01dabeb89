"""The student import (product.md 4.3): the wizard's persistent state and the pure row rules.

Nothing here reads files or databases. The rules turn one row of text cells into either a clean
candidate student or a Dutch reason why the row cannot be imported; they never raise on odd text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from typing import Iterable, Mapping, Sequence

import attrs

from .errors import DomainError, InvalidValue
from .values import display_name, normalise_email


class FileRefused(DomainError):
    """The file as a whole cannot be imported (empty, binary, too big, not what its name says,
    a required column missing); nothing from it is stored."""

    default_message = "Dit bestand kan niet worden ingelezen."


class GroupChoiceRequired(DomainError):
    """In the wizard a participant group is only created when the user chooses so: a typing
    error in a file would otherwise leave a stray group behind. ``names`` are the groups that
    still need a choice."""

    default_message = (
        "Kies bij elke nieuwe deelnemergroep wat er moet gebeuren: de groep aanmaken, "
        "de groep negeren of de rijen weglaten."
    )

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = tuple(names)
        message = None
        if self.names:
            listed = ", ".join(f"'{_short(n)}'" for n in self.names[:5]) + (", …" if len(self.names) > 5 else "")
            noun = "deelnemergroep" if len(self.names) == 1 else "deelnemergroepen"
            message = (
                f"Kies wat er moet gebeuren met de nieuwe {noun} {listed}: "
                "de groep aanmaken, de groep negeren of de rijen weglaten."
            )
        super().__init__(message)


class NothingToImport(DomainError):
    """'Importeer studenten' needs a row to create, or a row to update when updating existing
    students is chosen; an import that would do nothing is not run (and not remembered)."""

    default_message = (
        "Er is niets om te importeren: geen enkele rij kan worden geïmporteerd. "
        "Bekijk de redenen, pas het bestand aan of ga terug om andere keuzes te maken."
    )


class ImportAlreadyRun(DomainError):
    """A wizard run imports once; after 'Importeer studenten' its choices can no longer change."""

    default_message = "Deze import is al uitgevoerd. Begin opnieuw met 'Importeren'."


@attrs.define(slots=False, eq=False)
class ImportSession:
    """One run of the import wizard. Kept in the database (not the cookie) so that it survives
    a reload and a second browser tab; the uploaded file lives in the file store under
    ``file_key``. ``state`` holds the wizard's choices as plain JSON-able data (the column
    stays JSON so that a run started by an older version still loads); the application reads
    and writes it through one typed state object."""

    id: str
    organisation_id: int
    user_id: int
    filename: str
    file_key: str
    created_at: dt.datetime
    updated_at: dt.datetime
    step: str = "mapping"
    state: dict = attrs.field(factory=dict)
    version: int = 1


@attrs.define(slots=False, eq=False)
class ImportMapping:
    """The column mapping of the last successful import of an organisation, offered next time.

    ``mapping`` maps a field key to the (normalised) header of the column it came from."""

    organisation_id: int
    mapping: dict = attrs.field(factory=dict)
    updated_at: dt.datetime | None = None


# --------------------------------------------------------------------------------------------
# Fields and header matching
# --------------------------------------------------------------------------------------------

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELL_LENGTH = 2000


@attrs.frozen
class ImportField:
    key: str
    label: str  # the Dutch label of the student form (product.md section 6)
    required: bool
    max_length: int
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField("student_number", "Studentnummer", True, 50, (
        "studentnummer", "studentnr", "student nr", "leerlingnummer", "leerlingnr", "llnr", "lln nr",
        "stamnummer", "stamnr", "stam nr",
        "deelnemernummer", "deelnemernr", "studentcode", "student number", "student id", "studentid",
        "student no", "nummer", "id",
    )),
    ImportField("first_name", "Voornaam", False, 100, (
        "voornaam", "roepnaam", "voornamen", "first name", "firstname", "given name", "forename",
    )),
    ImportField("infix", "Tussenvoegsel", False, 50, (
        "tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "tussenv", "voorv", "infix",
        "prefix", "middle name", "name prefix",
    )),
    ImportField("last_name", "Achternaam", True, 150, (
        "achternaam", "familienaam", "geslachtsnaam", "last name", "lastname", "surname", "family name",
    )),
    ImportField("email", "E-mailadres", True, 254, (
        "e-mailadres", "emailadres", "e-mail", "email", "mail", "mailadres", "e-mail adres",
        "e-mailadres school", "e-mail school", "school e-mail", "email address", "e-mail address",
    )),
    ImportField("programme", "Opleiding", True, 200, (
        "opleiding", "opleidingsnaam", "opleidingscode", "kwalificatie", "crebo", "crebocode",
        "crebo code", "programme", "program", "programme name", "course", "qualification",
    )),
    ImportField("supervisor", "Praktijkbegeleider", True, 254, (
        "praktijkbegeleider", "begeleider", "bpv begeleider", "bpv-begeleider", "slb", "slber",
        "slb-er", "studieloopbaanbegeleider", "mentor", "coach", "supervisor",
    )),
    ImportField("trainer", "Praktijkopleider", False, 254, (
        "praktijkopleider", "werkbegeleider", "leermeester", "opleider", "trainer",
        "workplace trainer", "practical trainer",
    )),
    ImportField("groups", "Deelnemergroepen", False, 2000, (
        "deelnemergroepen", "deelnemergroep", "deelnemersgroepen", "deelnemersgroep", "groepen",
        "groep", "klas", "klassen", "groups", "group", "class",
    )),
    ImportField("cohort", "Cohort", False, 50, (
        "cohort", "cohortjaar", "startjaar", "instroomjaar", "jaar van instroom", "start year",
        "intake year", "year",
    )),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED_KEYS = tuple(f.key for f in FIELDS if f.required)


def fold(text: str | None) -> str:
    """Case-, accent- and whitespace-insensitive form of a value, for matching."""
    return _fold(str(text or ""))


@functools.lru_cache(maxsize=65536)  # files repeat the same programmes, people and groups
def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


def normalise_header(text: str | None) -> str:
    """'E-mailadres ', 'e_mail adres' and 'EMAILADRES' all become 'emailadres'."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


_SYNONYMS: dict[str, str] = {}
for _field in FIELDS:
    for _name in (_field.key, _field.label, *_field.synonyms):
        _SYNONYMS.setdefault(normalise_header(_name), _field.key)


def field_for_header(header: str | None) -> str | None:
    """The field a column header names, by Dutch and English synonyms; None when unknown."""
    return _SYNONYMS.get(normalise_header(header))


def field_key(name: str) -> str | None:
    """A field named by its key ('student_number'), its Dutch label or a synonym (for ``--map``)."""
    if name in FIELD_BY_KEY:
        return name
    return field_for_header(name)


def suggest_mapping(headers: Sequence[str], saved: Mapping[str, str] | None = None) -> dict[str, int | None]:
    """Field key -> column index. The mapping saved at the last successful import wins when
    its columns are present; otherwise headers are recognised by synonym. Each column is used
    for one field at most."""
    by_header: dict[str, int] = {}
    for index, header in enumerate(headers):
        by_header.setdefault(normalise_header(header), index)
    mapping: dict[str, int | None] = {f.key: None for f in FIELDS}
    used: set[int] = set()
    for key, header in (saved or {}).items():
        found = by_header.get(normalise_header(header))
        if key in mapping and found is not None and found not in used:
            mapping[key] = found
            used.add(found)
    for index, header in enumerate(headers):
        recognised = field_for_header(header)
        if recognised is not None and mapping[recognised] is None and index not in used:
            mapping[recognised] = index
            used.add(index)
    return mapping


def missing_required(mapping: Mapping[str, int | None]) -> list[str]:
    """Dutch labels of the required fields that have no column."""
    return [FIELD_BY_KEY[k].label for k in REQUIRED_KEYS if mapping.get(k) is None]


def mapping_to_save(mapping: Mapping[str, int | None], headers: Sequence[str]) -> dict[str, str]:
    """The mapping as header names, to offer again with the next file."""
    return {
        key: headers[index]
        for key, index in mapping.items()
        if index is not None and 0 <= index < len(headers) and normalise_header(headers[index])
    }


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------

_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_cell(value: object) -> str:
    """Text of a cell, trimmed; control characters removed; never raises."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case: nothing to remove
        return text.replace("\u00a0", " ").strip() if "\u00a0" in text else text.strip()
    return _CONTROL.sub("", text.replace("\u00a0", " ")).strip()


def parse_date(text: str) -> dt.date | None:
    """dd-mm-jjjj (also with / or .) and ISO jjjj-mm-dd; None when it is not such a date."""
    text = (text or "").strip()
    match = _DATE_DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _DATE_ISO.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def is_formula_like(text: str) -> bool:
    """Text that a spreadsheet would run as a formula. It is stored as plain text, never
    evaluated; exports neutralise it (product.md 4.3)."""
    return bool(text) and text[0] in "=+-@"


def normalise_cohort(text: str) -> str:
    """A cohort is text ('2025', '2025-2026', 'C24'); a date in the column (a start date, as
    some exports give it) becomes the year it falls in."""
    date = parse_date(text)
    if date is not None:
        return str(date.year)
    return text


def split_groups(text: str) -> tuple[str, ...]:
    """A groups cell may name several groups separated by ',', ';' or '|'."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;|]", text or ""):
        name = " ".join(part.split())
        if name and fold(name) not in seen:
            seen[fold(name)] = name[:200]
    return tuple(seen.values())


# --------------------------------------------------------------------------------------------
# One row
# --------------------------------------------------------------------------------------------


@attrs.frozen
class CandidateRow:
    """A row whose own values are valid; its references (programme, ...) are still text.

    ``row_number`` counts data rows from 1 (the command line's ``row N``); ``sheet_row`` is the
    row a spreadsheet program shows for it, header included, when the reader knows it."""

    row_number: int
    student_number: str
    last_name: str
    email: str
    programme: str
    supervisor: str
    first_name: str | None = None
    infix: str | None = None
    trainer: str | None = None
    groups: tuple[str, ...] = ()
    cohort: str | None = None
    sheet_row: int | None = None

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.infix, self.last_name)

    def refused(self, reason: str) -> RowError:
        return RowError(self.row_number, reason, sheet_row=self.sheet_row,
                        student_number=self.student_number, name=self.name)


@attrs.frozen
class RowError:
    """A row that cannot be imported, with the reason in Dutch.

    ``row_number`` counts data rows from 1; ``sheet_row``, ``student_number`` and ``name`` let
    the user find the row in the file (empty when the file does not tell)."""

    row_number: int
    reason: str
    sheet_row: int | None = None
    student_number: str = ""
    name: str = ""

    @property
    def details(self) -> str:
        """'rij 4 in het bestand, studentnummer 00123, Fleur van der Berg'; what is unknown is left out."""
        parts = []
        if self.sheet_row is not None:
            parts.append(f"rij {self.sheet_row} in het bestand")
        if self.student_number:
            parts.append(f"studentnummer {self.student_number}")
        if self.name:
            parts.append(self.name)
        return ", ".join(parts)


def row_values(cells: Sequence[str], mapping: Mapping[str, int | None]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, index in mapping.items():
        if index is not None and 0 <= index < len(cells):
            values[key] = clean_cell(cells[index])
        else:
            values[key] = ""
    return values


def validate_row(
    row_number: int, values: Mapping[str, object], *, sheet_row: int | None = None
) -> CandidateRow | RowError:
    """The rules of one row on its own: required fields, lengths, e-mail syntax.

    Values that start with '=', '+', '-' or '@' are kept as the text they are."""
    clean: dict[str, str] = {}

    def refused(reason: str) -> RowError:
        # Shortened: the user needs enough to find the row, not a 2000-character cell again.
        name = display_name(clean.get("first_name") or None, clean.get("infix") or None, clean.get("last_name", ""))
        return RowError(row_number, reason, sheet_row=sheet_row,
                        student_number=_short(clean.get("student_number", ""), 50), name=_short(name))

    try:
        clean = {f.key: clean_cell(values.get(f.key)) for f in FIELDS}
        problems: list[str] = []
        for f in FIELDS:
            text = clean[f.key]
            if f.required and not text:
                problems.append(f"{f.label} ontbreekt")
            elif len(text) > f.max_length:
                problems.append(f"{f.label} is langer dan {f.max_length} tekens")
        email = ""
        if clean["email"] and len(clean["email"]) <= 254:
            try:
                email = normalise_email(clean["email"])
            except InvalidValue:
                problems.append(f"E-mailadres '{_short(clean['email'])}' is geen geldig e-mailadres")
        if problems:
            return refused("; ".join(problems) + ".")
        return CandidateRow(
            row_number=row_number,
            student_number=clean["student_number"],
            first_name=clean["first_name"] or None,
            infix=clean["infix"] or None,
            last_name=clean["last_name"],
            email=email,
            programme=clean["programme"],
            supervisor=clean["supervisor"],
            trainer=clean["trainer"] or None,
            groups=split_groups(clean["groups"]),
            cohort=normalise_cohort(clean["cohort"]) or None,
            sheet_row=sheet_row,
        )
    except Exception:  # noqa: BLE001 - a row rule must never break the whole import
        return RowError(row_number, "Deze rij kon niet worden gelezen.", sheet_row=sheet_row)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mark_duplicates(rows: Sequence[CandidateRow | RowError]) -> list[CandidateRow | RowError]:
    """Rows that share a student number or an e-mail address with another row of the same file
    are all refused: the file does not say which one is right."""
    numbers: dict[str, list[CandidateRow]] = defaultdict(list)
    emails: dict[str, list[CandidateRow]] = defaultdict(list)
    for row in rows:
        if isinstance(row, CandidateRow):
            numbers[row.student_number].append(row)
            emails[row.email].append(row)
    result: list[CandidateRow | RowError] = []
    for row in rows:
        if isinstance(row, CandidateRow):
            reasons = []
            same_number = numbers[row.student_number]
            if len(same_number) > 1:
                reasons.append(
                    f"Studentnummer {row.student_number} staat meerdere keren in het bestand "
                    f"({_row_list(same_number)})"
                )
            same_email = emails[row.email]
            if len(same_email) > 1:
                reasons.append(f"E-mailadres {row.email} staat meerdere keren in het bestand ({_row_list(same_email)})")
            if reasons:
                result.append(row.refused("; ".join(reasons) + "."))
                continue
        result.append(row)
    return result


def _row_list(rows: Sequence[CandidateRow]) -> str:
    """The rows by the numbers the user sees in the spreadsheet, when the reader knows them."""
    on_sheet = all(r.sheet_row is not None for r in rows)
    numbers = [(r.sheet_row if on_sheet else r.row_number) for r in rows]
    shown = ", ".join(str(n) for n in numbers[:5]) + (", …" if len(numbers) > 5 else "")
    return f"rijen {shown} in het bestand" if on_sheet else f"rijen {shown}"


# --------------------------------------------------------------------------------------------
# References: programme, supervisor, trainer and groups by the text in the file
# --------------------------------------------------------------------------------------------

REFERENCE_KINDS = ("programme", "supervisor", "trainer", "group")
REFERENCE_LABELS = {
    "programme": "Opleiding",
    "supervisor": "Praktijkbegeleider",
    "trainer": "Praktijkopleider",
    "group": "Deelnemergroep",
}


@attrs.frozen
class Reference:
    """A record a cell may name: ``keys`` are the texts that name it (folded on matching)."""

    id: int
    label: str
    keys: tuple[str, ...]


def programme_reference(id: int, name: str, crebo: str) -> Reference:
    return Reference(id, f"{name} ({crebo})", (name, crebo, f"{name} ({crebo})", f"{crebo} {name}"))


def person_reference(id: int, email: str, first_name: str | None, infix: str | None, last_name: str) -> Reference:
    """A staff member is named by e-mail or full name; infix-aware ('Bas de Begeleider',
    'Bas Begeleider', 'Begeleider, Bas de', 'de Begeleider, Bas')."""
    full = display_name(first_name, infix, last_name)
    keys = [email, full, display_name(first_name, None, last_name)]
    if first_name:
        keys.append(f"{last_name}, {display_name(first_name, infix, None)}")
        keys.append(f"{display_name(None, infix, last_name)}, {first_name}")
    return Reference(id, f"{full} ({email})", tuple(k for k in keys if k))


def group_reference(id: int, name: str) -> Reference:
    return Reference(id, name, (name,))


class ReferenceIndex:
    """Folded text -> the ids of the records it names, for one kind of reference."""

    def __init__(self, references: Iterable[Reference]) -> None:
        self.references = {r.id: r for r in references}
        self._by_key: dict[str, set[int]] = defaultdict(set)
        for ref in self.references.values():
            for key in ref.keys:
                self._by_key[fold(key)].add(ref.id)

    def match(self, text: str) -> list[int]:
        return sorted(self._by_key.get(fold(text), ()))

    def options(self, first: Iterable[int] = ()) -> list[Reference]:
        """All records, those in ``first`` (the partial matches) on top, then by label."""
        first_ids = list(dict.fromkeys(first))
        rest = sorted((r for r in self.references.values() if r.id not in first_ids), key=lambda r: fold(r.label))
        return [self.references[i] for i in first_ids if i in self.references] + rest


# Resolution choices for a value that matches no or several records.
SKIP_ROWS = "skip"  # leave the rows with this value out
NO_VALUE = "none"  # import without it (trainer: optional; group: ignore this group)
CREATE_GROUP = "create"  # groups only: create a group with this name


def resolution_choice(kind: str, choice: str | None) -> str | None:
    """A stored choice, checked against what the kind allows; None when invalid."""
    if choice is None:
        return None
    if choice == SKIP_ROWS:
        return choice
    if choice == NO_VALUE and kind in ("trainer", "group"):
        return choice
    if choice == CREATE_GROUP and kind == "group":
        return choice
    if re.fullmatch(r"id:\d{1,12}", choice):
        return choice
    return None


def default_resolution(kind: str, matches: int = 0) -> str:
    """What the command line does with an unresolved value: an unknown group is created;
    everything else that names no or several records leaves its rows out."""
    return CREATE_GROUP if kind == "group" and matches == 0 else SKIP_ROWS


def choice_required(kind: str, matches: int) -> bool:
    """Values the wizard has no default for: the user decides whether an unknown group is
    created, ignored or leaves its rows out."""
    return kind == "group" and matches == 0


def unresolved_reason(kind: str, value: str, matches: int) -> str:
    label = REFERENCE_LABELS[kind]
    if matches == 0:
        return f"{label} '{_short(value)}' is onbekend."
    return f"{label} '{_short(value)}' komt overeen met meerdere mogelijkheden."


def undecided_reason(kind: str, value: str) -> str:
    return f"{REFERENCE_LABELS[kind]} '{_short(value)}': er is nog niet gekozen wat er met deze waarde moet gebeuren."


def skipped_reason(kind: str, value: str) -> str:
    return f"{REFERENCE_LABELS[kind]} '{_short(value)}': bij de keuzes weggelaten."
