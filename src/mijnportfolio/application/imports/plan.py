"""Planning an import: from the file, the user's choices and the database to what would happen.

Reads only; nothing here writes. The wizard and the command line both plan with ``plan_rows``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Mapping

import attrs

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.imports import CandidateRow, ReferenceIndex, RowError

from ..ports.imports import ExistingStudent, StudentImportStore, TableData


@attrs.frozen
class Option:
    value: str
    label: str


@attrs.frozen
class Ambiguity:
    """One distinct value that names no or several records, shown once with its choices."""

    kind: str
    key: str  # form field name
    value: str
    matches: int
    rows: int
    options: tuple[Option, ...]
    choice: str | None  # None: the user has to choose (an unknown group in the wizard)

    @property
    def label(self) -> str:
        return rules.REFERENCE_LABELS[self.kind]

    @property
    def problem(self) -> str:
        return "onbekend" if self.matches == 0 else f"komt overeen met {self.matches} mogelijkheden"

    def accepts(self, value: object) -> bool:
        return any(o.value == value for o in self.options)


@attrs.frozen
class NewGroup:
    """A participant group that the import creates, named as in the file."""

    name: str


@attrs.frozen
class RowReferences:
    """The records an importable row points to: ids of existing records, and for groups also
    the names of groups the import creates."""

    programme_id: int
    supervisor_id: int
    trainer_id: int | None = None
    groups: tuple[int | NewGroup, ...] = ()


@attrs.frozen
class PlannedRow:
    row_number: int
    sheet_row: int | None
    student_number: str
    name: str
    email: str
    programme: str
    supervisor: str
    trainer: str
    groups: str
    cohort: str


@attrs.frozen
class Plan:
    creates: list[tuple[CandidateRow, RowReferences]]
    updates: list[tuple[CandidateRow, RowReferences, ExistingStudent]]
    errors: list[RowError]
    ambiguities: list[Ambiguity]
    groups_to_create: list[str]
    indexes: dict[str, ReferenceIndex]

    @property
    def undecided(self) -> list[Ambiguity]:
        """Values still waiting for the user's choice; nothing may be imported until they have one."""
        return [a for a in self.ambiguities if a.choice is None]

    def planned(self, row: CandidateRow, refs: RowReferences) -> PlannedRow:
        def label(kind: str, ref_id: int | None) -> str:
            ref = self.indexes[kind].references.get(ref_id) if ref_id is not None else None
            return ref.label if ref else ""

        groups = [label("group", g) if isinstance(g, int) else f"{g.name} (nieuw)" for g in refs.groups]
        return PlannedRow(
            row_number=row.row_number,
            sheet_row=row.sheet_row,
            student_number=row.student_number,
            name=row.name,
            email=row.email,
            programme=label("programme", refs.programme_id),
            supervisor=label("supervisor", refs.supervisor_id),
            trainer=label("trainer", refs.trainer_id),
            groups=", ".join(groups),
            cohort=row.cohort or "",
        )


UNDECIDED = "undecided"  # internal outcome of a value that waits for the user's choice


def _ambiguity_key(kind: str, folded: str) -> str:
    return f"{kind}-" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:12]


def _indexes(store: StudentImportStore, organisation_id: int) -> dict[str, ReferenceIndex]:
    staff = store.staff(organisation_id)
    return {
        "programme": ReferenceIndex(rules.programme_reference(i, n, c) for i, n, c in store.programmes()),
        "supervisor": ReferenceIndex(
            rules.person_reference(s.id, s.email, s.first_name, s.infix, s.last_name)
            for s in staff if s.role == "supervisor"
        ),
        "trainer": ReferenceIndex(
            rules.person_reference(s.id, s.email, s.first_name, s.infix, s.last_name)
            for s in staff if s.role == "trainer"
        ),
        "group": ReferenceIndex(rules.group_reference(i, n) for i, n in store.groups(organisation_id)),
    }


def _options(kind: str, index: ReferenceIndex, matches: list[int]) -> tuple[Option, ...]:
    options = []
    if kind == "group":
        options.append(Option(rules.CREATE_GROUP, "Nieuwe deelnemergroep met deze naam aanmaken"))
        options.append(Option(rules.NO_VALUE, "Deze groep negeren (studenten wel importeren)"))
    if kind == "trainer":
        options.append(Option(rules.NO_VALUE, "Zonder praktijkopleider importeren"))
    options.append(Option(rules.SKIP_ROWS, "Deze rijen weglaten"))
    options.extend(Option(f"id:{ref.id}", ref.label) for ref in index.options(matches))
    return tuple(options)


def plan_rows(
    table: TableData,
    mapping: Mapping[str, int | None],
    resolutions: Mapping[str, Mapping[str, str]],
    store: StudentImportStore,
    organisation_id: int,
    *,
    update_existing: bool,
    ask_unknown_groups: bool = False,
) -> Plan:
    """What an import of ``table`` would do now. Reads the database; writes nothing.

    ``ask_unknown_groups`` (the wizard): a group that does not exist gets no default choice;
    until the user chooses, its rows wait among the errors and ``Plan.undecided`` names it.
    Without it (the command line) such a group is created."""
    rows = rules.mark_duplicates([
        rules.validate_row(number, rules.row_values(cells, mapping), sheet_row=table.header_row + number)
        for number, cells in table.rows
    ])
    indexes = _indexes(store, organisation_id)

    # Distinct reference values, matched once each.
    values: dict[str, dict[str, tuple[str, list[int]]]] = {k: {} for k in rules.REFERENCE_KINDS}
    counts: dict[str, dict[str, int]] = {k: defaultdict(int) for k in rules.REFERENCE_KINDS}

    def seen(kind: str, text: str) -> None:
        folded = rules.fold(text)
        if folded not in values[kind]:
            values[kind][folded] = (text, indexes[kind].match(text))
        counts[kind][folded] += 1

    for row in rows:
        if isinstance(row, CandidateRow):
            seen("programme", row.programme)
            seen("supervisor", row.supervisor)
            if row.trainer:
                seen("trainer", row.trainer)
            for group in row.groups:
                seen("group", group)

    ambiguities: list[Ambiguity] = []
    decided: dict[str, dict[str, int | str]] = {k: {} for k in rules.REFERENCE_KINDS}
    for kind in rules.REFERENCE_KINDS:
        chosen = resolutions.get(kind, {})
        for folded, (text, matches) in values[kind].items():
            if len(matches) == 1:
                decided[kind][folded] = matches[0]
                continue
            index = indexes[kind]
            options = _options(kind, index, matches)
            choice = rules.resolution_choice(kind, chosen.get(folded))
            if choice is None or choice not in {o.value for o in options}:
                choice = None
                if not (ask_unknown_groups and rules.choice_required(kind, len(matches))):
                    choice = rules.default_resolution(kind, len(matches))
            ambiguities.append(
                Ambiguity(kind, _ambiguity_key(kind, folded), text, len(matches), counts[kind][folded], options, choice)
            )
            if choice is None:
                decided[kind][folded] = UNDECIDED
            else:
                decided[kind][folded] = int(choice[3:]) if choice.startswith("id:") else choice

    candidates = [r for r in rows if isinstance(r, CandidateRow)]
    store_existing = store.existing_students(organisation_id, [r.student_number for r in candidates])
    emails = store.user_ids_by_email([r.email for r in candidates])

    creates: list[tuple[CandidateRow, RowReferences]] = []
    updates: list[tuple[CandidateRow, RowReferences, ExistingStudent]] = []
    errors: list[RowError] = [r for r in rows if isinstance(r, RowError)]
    new_groups: dict[str, str] = {}

    def reference(kind: str, text: str | None, reasons: list[str]) -> int | None:
        """The id a programme, supervisor or trainer cell names, or None (with a reason when
        the rows with this value are left out)."""
        if not text:
            return None
        folded = rules.fold(text)
        outcome = decided[kind][folded]
        if isinstance(outcome, int):
            return outcome
        if outcome == rules.SKIP_ROWS:
            matches = len(values[kind][folded][1])
            reasons.append(
                rules.unresolved_reason(kind, text, matches) if folded not in resolutions.get(kind, {})
                else rules.skipped_reason(kind, text)
            )
        return None

    for row in candidates:
        reasons: list[str] = []
        programme_id = reference("programme", row.programme, reasons)
        supervisor_id = reference("supervisor", row.supervisor, reasons)
        trainer_id = reference("trainer", row.trainer, reasons)
        groups: list[int | NewGroup] = []
        for text in row.groups:
            folded = rules.fold(text)
            outcome = decided["group"][folded]
            if isinstance(outcome, int):
                groups.append(outcome)
            elif outcome == rules.CREATE_GROUP:
                groups.append(NewGroup(text))
                new_groups.setdefault(folded, text)
            elif outcome == rules.SKIP_ROWS:
                reasons.append(rules.skipped_reason("group", text))
            elif outcome == UNDECIDED:
                reasons.append(rules.undecided_reason("group", text))
        existing = store_existing.get(row.student_number)
        owner = emails.get(row.email)
        if owner is not None and (existing is None or owner != existing.user_id):
            reasons.append(f"E-mailadres {row.email} is al in gebruik door een andere gebruiker.")
        if not reasons and (programme_id is None or supervisor_id is None):
            # The choices never leave a required reference empty; should one, the row waits.
            reasons.append("Opleiding of praktijkbegeleider kon niet worden bepaald.")
        if reasons or programme_id is None or supervisor_id is None:
            errors.append(row.refused(" ".join(reasons)))
            continue
        refs = RowReferences(programme_id, supervisor_id, trainer_id, tuple(groups))
        if existing is None:
            creates.append((row, refs))
        else:
            updates.append((row, refs, existing))
    errors.sort(key=lambda e: e.row_number)
    # Only groups that a row about to be imported actually needs are created.
    needed = {rules.fold(g.name) for _, refs in creates for g in refs.groups if isinstance(g, NewGroup)}
    if update_existing:
        needed |= {rules.fold(g.name) for _, refs, _ in updates for g in refs.groups if isinstance(g, NewGroup)}
    return Plan(
        creates=creates,
        updates=updates,
        errors=errors,
        ambiguities=ambiguities,
        groups_to_create=[name for folded, name in new_groups.items() if folded in needed],
        indexes=indexes,
    )


