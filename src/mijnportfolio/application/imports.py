"""The student import (product.md 4.3 and the CLI of section 6): ONE service for the web wizard
and for ``mijnportfolio import-students``.

Flow: ``start_import`` (upload: the file is read once, refused as a whole or kept in the file
store) -> ``save_mapping`` -> ``save_resolutions`` (ambiguous or unknown references) ->
``preview`` -> ``run_import`` (all importable rows in one transaction). ``import_file`` does the
same in one go for the command line. Every step recomputes from the stored file and the stored
choices, so a reload or a second tab shows the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from typing import Callable, Iterable, Mapping, Protocol, Sequence

import attrs

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.errors import InvalidValue, NotFound
from mijnportfolio.domain.imports import (
    CandidateRow,
    FileRefused,
    ImportMapping,
    ImportSession,
    Reference,
    ReferenceIndex,
    RowError,
)
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed, require
from mijnportfolio.domain.tokens import LIFETIMES, TokenPurpose, UserToken
from mijnportfolio.domain.values import display_name, sort_key_for_name

from .auth import hash_token
from .ports import Clock, FileStore, UnitOfWork

SESSION_LIFETIME = dt.timedelta(hours=24)
PREVIEW_LIMIT = 200  # rows per table on the preview page; the counts are always complete
RESULT_ERROR_LIMIT = 500


# ------------------------------------------------------------------------------------------
# Ports
# ------------------------------------------------------------------------------------------


class TableData(Protocol):
    """A read file: headers and (row number, cells) with row numbers counting data rows from 1."""

    kind: str
    headers: Sequence[str]
    rows: Sequence[tuple[int, Sequence[str]]]


class TabularReader(Protocol):
    """Reads CSV or XLSX bytes into a table of text cells; raises FileRefused for a bad file."""

    def read(self, data: bytes, filename: str) -> TableData: ...


@attrs.frozen
class StaffRecord:
    id: int
    email: str
    first_name: str | None
    infix: str | None
    last_name: str
    role: str


@attrs.frozen
class ExistingStudent:
    student_id: int
    user_id: int
    email: str
    first_name: str | None
    infix: str | None
    last_name: str
    trainer_id: int | None
    cohort: str | None


@attrs.frozen(kw_only=True)
class StudentFields:
    """What an import writes of a student, new or existing."""

    email: str
    first_name: str | None
    infix: str | None
    last_name: str
    sort_name: str
    programme_id: int
    supervisor_id: int
    trainer_id: int | None
    cohort: str | None


@attrs.frozen(kw_only=True)
class NewStudent(StudentFields):
    student_number: str


@attrs.frozen(kw_only=True)
class StudentUpdate(StudentFields):
    student_id: int
    user_id: int


class StudentImportStore(Protocol):
    """Bulk reads and writes of the import, inside the unit of work's transaction (``uow.student_import``).

    Reads take a fixed number of statements per chunk of values, writes are executemany."""

    def programmes(self) -> Sequence[tuple[int, str, str]]:
        """(id, name, crebo) of every programme."""
        ...

    def staff(self, organisation_id: int) -> Sequence[StaffRecord]:
        """Active supervisors and trainers of the organisation."""
        ...

    def groups(self, organisation_id: int) -> Sequence[tuple[int, str]]: ...

    def existing_students(self, organisation_id: int, numbers: Iterable[str]) -> dict[str, ExistingStudent]: ...

    def user_ids_by_email(self, emails: Iterable[str]) -> dict[str, int]: ...

    def create_groups(self, organisation_id: int, names: Sequence[str]) -> dict[str, int]:
        """Create the groups; returns folded name -> id."""
        ...

    def insert_students(self, organisation_id: int, rows: Sequence[NewStudent], now: dt.datetime) -> list[tuple[int, int]]:
        """Create users (role student, no password) and students; (student id, user id) in row order."""
        ...

    def update_students(self, rows: Sequence[StudentUpdate]) -> None: ...

    def add_memberships(self, pairs: Iterable[tuple[int, int]]) -> None:
        """(student id, group id) pairs; existing memberships are left as they are."""
        ...

    def add_invitations(self, tokens: Sequence[UserToken], messages: Sequence[OutboxMessage]) -> None: ...


def _store(uow: UnitOfWork) -> StudentImportStore:
    return uow.student_import


# ------------------------------------------------------------------------------------------
# Planning: from file + choices + database to what would happen
# ------------------------------------------------------------------------------------------


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
    choice: str

    @property
    def label(self) -> str:
        return rules.REFERENCE_LABELS[self.kind]

    @property
    def problem(self) -> str:
        return "onbekend" if self.matches == 0 else f"komt overeen met {self.matches} mogelijkheden"


@attrs.frozen
class PlannedRow:
    row_number: int
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
    creates: list[tuple[CandidateRow, dict]]
    updates: list[tuple[CandidateRow, dict, ExistingStudent]]
    errors: list[RowError]
    ambiguities: list[Ambiguity]
    groups_to_create: list[str]
    indexes: dict[str, ReferenceIndex]

    def planned(self, row: CandidateRow, refs: dict) -> PlannedRow:
        def label(kind: str, ref_id: int | None) -> str:
            ref = self.indexes[kind].references.get(ref_id) if ref_id is not None else None
            return ref.label if ref else ""

        groups = [label("group", g) if isinstance(g, int) else f"{g} (nieuw)" for g in refs["groups"]]
        return PlannedRow(
            row_number=row.row_number,
            student_number=row.student_number,
            name=display_name(row.first_name, row.infix, row.last_name),
            email=row.email,
            programme=label("programme", refs["programme"]),
            supervisor=label("supervisor", refs["supervisor"]),
            trainer=label("trainer", refs["trainer"]),
            groups=", ".join(groups),
            cohort=row.cohort or "",
        )


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
) -> Plan:
    """What an import of ``table`` would do now. Reads the database; writes nothing."""
    rows = rules.mark_duplicates(
        [rules.validate_row(number, rules.row_values(cells, mapping)) for number, cells in table.rows]
    )
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
                choice = rules.default_resolution(kind, len(matches))
            ambiguities.append(
                Ambiguity(kind, _ambiguity_key(kind, folded), text, len(matches), counts[kind][folded], options, choice)
            )
            decided[kind][folded] = int(choice[3:]) if choice.startswith("id:") else choice

    candidates = [r for r in rows if isinstance(r, CandidateRow)]
    store_existing = store.existing_students(organisation_id, [r.student_number for r in candidates])
    emails = store.user_ids_by_email([r.email for r in candidates])

    creates: list[tuple[CandidateRow, dict]] = []
    updates: list[tuple[CandidateRow, dict, ExistingStudent]] = []
    errors: list[RowError] = [r for r in rows if isinstance(r, RowError)]
    new_groups: dict[str, str] = {}
    for row in candidates:
        reasons: list[str] = []
        refs: dict = {"programme": None, "supervisor": None, "trainer": None, "groups": []}
        for kind, text in (("programme", row.programme), ("supervisor", row.supervisor), ("trainer", row.trainer)):
            if not text:
                continue
            folded = rules.fold(text)
            outcome = decided[kind][folded]
            matches = len(values[kind][folded][1])
            if isinstance(outcome, int):
                refs[kind] = outcome
            elif outcome == rules.SKIP_ROWS:
                reasons.append(
                    rules.unresolved_reason(kind, text, matches) if folded not in resolutions.get(kind, {})
                    else rules.skipped_reason(kind, text)
                )
        for text in row.groups:
            folded = rules.fold(text)
            outcome = decided["group"][folded]
            if isinstance(outcome, int):
                refs["groups"].append(outcome)
            elif outcome == rules.CREATE_GROUP:
                refs["groups"].append(text)
                new_groups.setdefault(folded, text)
            elif outcome == rules.SKIP_ROWS:
                reasons.append(rules.skipped_reason("group", text))
        existing = store_existing.get(row.student_number)
        owner = emails.get(row.email)
        if owner is not None and (existing is None or owner != existing.user_id):
            reasons.append(f"E-mailadres {row.email} is al in gebruik door een andere gebruiker.")
        if reasons:
            errors.append(RowError(row.row_number, " ".join(reasons)))
        elif existing is None:
            creates.append((row, refs))
        else:
            updates.append((row, refs, existing))
    errors.sort(key=lambda e: e.row_number)
    # Only groups that a row about to be imported actually needs are created.
    needed = {rules.fold(g) for _, refs in creates for g in refs["groups"] if isinstance(g, str)}
    if update_existing:
        needed |= {rules.fold(g) for _, refs, _ in updates for g in refs["groups"] if isinstance(g, str)}
    return Plan(
        creates=creates,
        updates=updates,
        errors=errors,
        ambiguities=ambiguities,
        groups_to_create=[name for folded, name in new_groups.items() if folded in needed],
        indexes=indexes,
    )


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------


@attrs.frozen
class ImportResult:
    created: int
    updated: int
    skipped: int
    errors: list[RowError]
    groups_created: list[str] = attrs.field(factory=list)
    invited: int = 0
    dry_run: bool = False

    def summary_line(self) -> str:
        return f"created={self.created} updated={self.updated} skipped={self.skipped} errors={len(self.errors)}"

    def as_state(self) -> dict:
        return {
            "created": self.created, "updated": self.updated, "skipped": self.skipped,
            "error_count": len(self.errors), "invited": self.invited,
            "groups_created": list(self.groups_created),
            "errors": [[e.row_number, e.reason] for e in self.errors[:RESULT_ERROR_LIMIT]],
        }


@attrs.frozen
class Preview:
    creates: list[PlannedRow]
    updates: list[PlannedRow]
    errors: list[RowError]
    create_count: int
    update_count: int
    error_count: int
    groups_to_create: list[str]
    update_existing: bool
    invite: bool


def _write(
    uow: UnitOfWork,
    clock: Clock,
    organisation_id: int,
    plan: Plan,
    *,
    update_existing: bool,
    invitation_url: Callable[[str], str] | None = None,
) -> ImportResult:
    """All writes of one import, inside the caller's unit of work (which commits or not)."""
    store = _store(uow)
    now = clock.now()
    group_ids = store.create_groups(organisation_id, plan.groups_to_create) if plan.groups_to_create else {}

    def group_id(g: int | str) -> int | None:
        return g if isinstance(g, int) else group_ids.get(rules.fold(g))

    new = [
        NewStudent(
            student_number=row.student_number, email=row.email, first_name=row.first_name, infix=row.infix,
            last_name=row.last_name, sort_name=sort_key_for_name(row.first_name, row.infix, row.last_name),
            programme_id=refs["programme"], supervisor_id=refs["supervisor"], trainer_id=refs["trainer"],
            cohort=row.cohort,
        )
        for row, refs in plan.creates
    ]
    ids = store.insert_students(organisation_id, new, now) if new else []
    pairs: set[tuple[int, int]] = set()
    for (row, refs), (student_id, _user_id) in zip(plan.creates, ids):
        pairs.update((student_id, gid) for g in refs["groups"] if (gid := group_id(g)) is not None)

    updated = 0
    if update_existing and plan.updates:
        changes = []
        for row, refs, old in plan.updates:
            # An import adds and corrects; an empty optional cell never erases what is known.
            first_name = row.first_name or old.first_name
            infix = row.infix or old.infix
            changes.append(
                StudentUpdate(
                    student_id=old.student_id, user_id=old.user_id, email=row.email, first_name=first_name,
                    infix=infix, last_name=row.last_name,
                    sort_name=sort_key_for_name(first_name, infix, row.last_name),
                    programme_id=refs["programme"], supervisor_id=refs["supervisor"],
                    trainer_id=refs["trainer"] if refs["trainer"] is not None else old.trainer_id,
                    cohort=row.cohort or old.cohort,
                )
            )
            pairs.update((old.student_id, gid) for g in refs["groups"] if (gid := group_id(g)) is not None)
        store.update_students(changes)
        updated = len(changes)
    if pairs:
        store.add_memberships(sorted(pairs))

    invited = 0
    if invitation_url is not None and new:
        tokens, messages = [], []
        for student, (_sid, user_id) in zip(new, ids):
            token = secrets.token_urlsafe(32)
            tokens.append(UserToken(
                user_id=user_id, purpose=TokenPurpose.INVITATION, token_hash=hash_token(token),
                created_at=now, expires_at=now + LIFETIMES[TokenPurpose.INVITATION],
            ))
            name = display_name(student.first_name, student.infix, student.last_name)
            messages.append(OutboxMessage(
                recipients=student.email,
                subject="Je account voor MijnPortfolio",
                body=(
                    f"Beste {name},\n\n"
                    "Er is een account voor je aangemaakt in MijnPortfolio, het examenplatform van je opleiding.\n"
                    f"Kies via deze link je wachtwoord (14 dagen geldig):\n\n{invitation_url(token)}\n\n"
                    f"Je logt daarna in met dit e-mailadres: {student.email}\n"
                ),
                created_at=now,
            ))
        store.add_invitations(tokens, messages)
        invited = len(tokens)

    return ImportResult(
        created=len(new),
        updated=updated,
        skipped=0 if update_existing else len(plan.updates),
        errors=list(plan.errors),
        groups_created=list(plan.groups_to_create),
        invited=invited,
    )


def _remember_mapping(uow: UnitOfWork, clock: Clock, organisation_id: int, mapping, headers) -> None:
    saved = uow.import_mappings.get(organisation_id)
    value = rules.mapping_to_save(mapping, headers)
    if saved is None:
        uow.import_mappings.add(ImportMapping(organisation_id=organisation_id, mapping=value, updated_at=clock.now()))
    else:
        saved.mapping = value
        saved.updated_at = clock.now()


# ------------------------------------------------------------------------------------------
# The wizard
# ------------------------------------------------------------------------------------------


@attrs.frozen
class SessionView:
    id: str
    organisation_id: int
    organisation_name: str
    filename: str
    step: str
    headers: tuple[str, ...]
    row_count: int
    mapping: dict
    update_existing: bool
    invite: bool
    result: dict | None
    samples: tuple[tuple[str, ...], ...] = ()  # per column, the first few non-empty values


def cleanup_sessions(uow: UnitOfWork, clock: Clock, file_store: FileStore) -> int:
    """Remove wizard runs (and their files) untouched for 24 hours; returns how many."""
    with uow:
        old = list(uow.import_sessions.older_than(clock.now() - SESSION_LIFETIME))
        keys = [s.file_key for s in old]
        for session in old:
            uow.import_sessions.delete(session)
        uow.commit()
    for key in keys:
        _delete_file(file_store, key)
    return len(old)


def _delete_file(file_store: FileStore, key: str | None) -> None:
    if not key:
        return
    try:
        file_store.delete(key)
    except (OSError, ValueError, KeyError):
        pass  # already gone; nothing to clean


def _suffix(filename: str) -> str:
    name = (filename or "").lower()
    for suffix in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        if name.endswith(suffix):
            return suffix
    return ""


def start_import(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    file_store: FileStore,
    reader: TabularReader,
    *,
    organisation_id: int | None,
    filename: str,
    data: bytes,
) -> str:
    """Step 1: read the uploaded file. A file refused as a whole raises FileRefused and leaves
    nothing behind; otherwise the file is kept and a wizard run starts. Returns its id."""
    if organisation_id is None:
        raise InvalidValue("Kies een organisatie.", field="organisation_id")
    require(actor, Permission.MANAGE_STUDENTS, organisation_id=organisation_id)
    cleanup_sessions(uow, clock, file_store)
    table = reader.read(data, filename)
    filename = (filename or "bestand").replace("\\", "/").rsplit("/", 1)[-1][:200] or "bestand"
    with uow:
        if uow.organisations.get(organisation_id) is None:
            raise InvalidValue("Kies een organisatie.", field="organisation_id")
        saved = uow.import_mappings.get(organisation_id)
        mapping = rules.suggest_mapping(table.headers, saved.mapping if saved else None)
        key = file_store.save(data, suffix=_suffix(filename))
        try:
            now = clock.now()
            session = ImportSession(
                id=secrets.token_urlsafe(18), organisation_id=organisation_id, user_id=actor.user_id,
                filename=filename, file_key=key, created_at=now, updated_at=now, step="mapping",
                state={
                    "kind": table.kind, "headers": list(table.headers), "rows": len(table.rows),
                    "mapping": mapping, "resolutions": {}, "update_existing": False, "invite": False,
                },
            )
            uow.import_sessions.add(session)
            uow.commit()
        except BaseException:
            _delete_file(file_store, key)
            raise
        return session.id


def _get(uow: UnitOfWork, actor: Actor, session_id: str) -> ImportSession:
    require(actor, Permission.MANAGE_STUDENTS)
    session = uow.import_sessions.get(session_id or "")
    if session is None or session.user_id != actor.user_id:
        raise NotFound("Deze import bestaat niet (meer). Begin opnieuw met 'Importeren'.")
    return session


def _view(uow: UnitOfWork, session: ImportSession, table: TableData | None = None) -> SessionView:
    organisation = uow.organisations.get(session.organisation_id)
    state = session.state or {}
    samples: tuple = ()
    if table is not None:
        columns = len(table.headers)
        found: list[list[str]] = [[] for _ in range(columns)]
        for _number, cells in table.rows[:50]:
            for i in range(min(columns, len(cells))):
                if cells[i] and len(found[i]) < 3:
                    found[i].append(cells[i][:40])
        samples = tuple(tuple(s) for s in found)
    return SessionView(
        id=session.id, organisation_id=session.organisation_id,
        organisation_name=organisation.name if organisation else "",
        filename=session.filename, step=session.step, headers=tuple(state.get("headers", ())),
        row_count=int(state.get("rows", 0)), mapping=dict(state.get("mapping", {})),
        update_existing=bool(state.get("update_existing")), invite=bool(state.get("invite")),
        result=state.get("result"), samples=samples,
    )


def _table(file_store: FileStore, reader: TabularReader, session: ImportSession) -> TableData:
    try:
        data = file_store.read(session.file_key)
    except (OSError, KeyError, ValueError):
        raise NotFound("Het bestand van deze import is niet meer beschikbaar. Begin opnieuw met 'Importeren'.") from None
    return reader.read(data, session.filename)


def _touch(session: ImportSession, clock: Clock, **changes) -> None:
    session.state = {**(session.state or {}), **changes}  # a new dict: the ORM sees the change
    session.updated_at = clock.now()


def get_session(
    uow: UnitOfWork, actor: Actor, session_id: str, *, file_store: FileStore | None = None,
    reader: TabularReader | None = None,
) -> SessionView:
    """The wizard run (404 when not the actor's); with a file store and reader also column samples."""
    with uow:
        session = _get(uow, actor, session_id)
        table = _table(file_store, reader, session) if file_store and reader and session.step != "done" else None
        return _view(uow, session, table)


def save_mapping(
    uow: UnitOfWork, actor: Actor, clock: Clock, file_store: FileStore, reader: TabularReader,
    session_id: str, mapping: Mapping[str, int | None],
) -> str:
    """Step 2: field -> column. Returns the next step: 'resolve' when there are ambiguities,
    else 'preview'. Required fields without a column raise ValidationErrors-like InvalidValue."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        headers = session.state.get("headers", [])
        clean: dict[str, int | None] = {}
        used: dict[int, str] = {}
        for f in rules.FIELDS:
            index = mapping.get(f.key)
            if index is not None and not (0 <= int(index) < len(headers)):
                index = None
            if index is not None:
                if index in used:
                    raise InvalidValue(
                        f"De kolom '{headers[index]}' is gekozen voor zowel {used[index]} als {f.label}.",
                        field=f.key,
                    )
                used[index] = f.label
            clean[f.key] = index
        missing = rules.missing_required(clean)
        if missing:
            raise InvalidValue("Kies een kolom voor: " + ", ".join(missing) + ".", field="mapping")
        table = _table(file_store, reader, session)
        plan = plan_rows(table, clean, session.state.get("resolutions", {}), _store(uow), session.organisation_id,
                         update_existing=bool(session.state.get("update_existing")))
        step = "resolve" if plan.ambiguities else "preview"
        _touch(session, clock, mapping=clean)
        session.step = step
        uow.commit()
        return step


def _not_done(session: ImportSession) -> None:
    if session.step == "done":
        raise InvalidValue("Deze import is al uitgevoerd. Begin opnieuw met 'Importeren'.")


def list_ambiguities(
    uow: UnitOfWork, actor: Actor, file_store: FileStore, reader: TabularReader, session_id: str
) -> list[Ambiguity]:
    """Step 3: each distinct value that names no or several records, once, with its choices."""
    with uow:
        session = _get(uow, actor, session_id)
        table = _table(file_store, reader, session)
        state = session.state
        return plan_rows(table, state.get("mapping", {}), state.get("resolutions", {}), _store(uow),
                         session.organisation_id, update_existing=bool(state.get("update_existing"))).ambiguities


def save_resolutions(
    uow: UnitOfWork, actor: Actor, clock: Clock, file_store: FileStore, reader: TabularReader,
    session_id: str, choices: Mapping[str, str],
) -> None:
    """Step 3 submitted: ``choices`` maps an ambiguity's key to one of its option values."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        table = _table(file_store, reader, session)
        state = session.state
        plan = plan_rows(table, state.get("mapping", {}), state.get("resolutions", {}), _store(uow),
                         session.organisation_id, update_existing=bool(state.get("update_existing")))
        resolutions = {k: dict(v) for k, v in (state.get("resolutions") or {}).items()}
        for amb in plan.ambiguities:
            choice = choices.get(amb.key)
            if choice is not None and choice in {o.value for o in amb.options}:
                resolutions.setdefault(amb.kind, {})[rules.fold(amb.value)] = choice
        _touch(session, clock, resolutions=resolutions)
        session.step = "preview"
        uow.commit()


def preview(
    uow: UnitOfWork, actor: Actor, file_store: FileStore, reader: TabularReader, session_id: str,
    *, limit: int = PREVIEW_LIMIT,
) -> Preview:
    """Step 4: rows to create, rows matching an existing student number, rows refused (with reasons)."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        table = _table(file_store, reader, session)
        state = session.state
        update_existing = bool(state.get("update_existing"))
        plan = plan_rows(table, state.get("mapping", {}), state.get("resolutions", {}), _store(uow),
                         session.organisation_id, update_existing=update_existing)
        return Preview(
            creates=[plan.planned(row, refs) for row, refs in plan.creates[:limit]],
            updates=[plan.planned(row, refs) for row, refs, _ in plan.updates[:limit]],
            errors=plan.errors[:limit],
            create_count=len(plan.creates),
            update_count=len(plan.updates),
            error_count=len(plan.errors),
            groups_to_create=plan.groups_to_create,
            update_existing=update_existing,
            invite=bool(state.get("invite")),
        )


def run_import(
    uow: UnitOfWork, actor: Actor, clock: Clock, file_store: FileStore, reader: TabularReader,
    session_id: str, *, update_existing: bool, invite: bool = False,
    invitation_url: Callable[[str], str] | None = None,
) -> ImportResult:
    """Step 5 ('Importeer studenten'): every importable row in ONE transaction, the mapping
    remembered for next time, the file deleted. Running it twice imports once."""
    with uow:
        session = _get(uow, actor, session_id)
        if session.step == "done":
            return _result_from_state(session.state.get("result") or {})
        table = _table(file_store, reader, session)
        state = session.state
        # Claim the run first: a second tab importing at the same time fails on the version.
        session.step = "done"
        _touch(session, clock, update_existing=bool(update_existing), invite=bool(invite))
        uow.flush()
        plan = plan_rows(table, state.get("mapping", {}), state.get("resolutions", {}), _store(uow),
                         session.organisation_id, update_existing=update_existing)
        result = _write(uow, clock, session.organisation_id, plan, update_existing=update_existing,
                        invitation_url=invitation_url if invite else None)
        _remember_mapping(uow, clock, session.organisation_id, state.get("mapping", {}), state.get("headers", []))
        key = session.file_key
        _touch(session, clock, result=result.as_state())
        uow.commit()
    _delete_file(file_store, key)
    return result


def _result_from_state(state: dict) -> ImportResult:
    return ImportResult(
        created=state.get("created", 0), updated=state.get("updated", 0), skipped=state.get("skipped", 0),
        errors=[RowError(n, r) for n, r in state.get("errors", [])],
        groups_created=state.get("groups_created", []), invited=state.get("invited", 0),
    )


def set_options(
    uow: UnitOfWork, actor: Actor, clock: Clock, session_id: str, *, update_existing: bool, invite: bool
) -> None:
    """Remember the preview's choices (update or skip existing students, invitations)."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        _touch(session, clock, update_existing=bool(update_existing), invite=bool(invite))
        uow.commit()


def cancel_import(uow: UnitOfWork, actor: Actor, file_store: FileStore, session_id: str) -> None:
    with uow:
        session = _get(uow, actor, session_id)
        key = session.file_key
        uow.import_sessions.delete(session)
        uow.commit()
    _delete_file(file_store, key)


# ------------------------------------------------------------------------------------------
# The command line: everything at once
# ------------------------------------------------------------------------------------------


def resolve_overrides(headers: Sequence[str], overrides: Sequence[str]) -> dict[str, int | None]:
    """``--map FIELD=COLUMN`` values: FIELD a key, Dutch label or synonym; COLUMN a header
    (case- and punctuation-insensitive) or a 1-based column number; empty COLUMN unmaps."""
    result: dict[str, int | None] = {}
    for item in overrides:
        if "=" not in item:
            raise FileRefused(f"--map '{item}' moet de vorm VELD=KOLOM hebben.")
        name, column = (part.strip() for part in item.split("=", 1))
        key = rules.field_key(name)
        if key is None:
            known = ", ".join(f.key for f in rules.FIELDS)
            raise FileRefused(f"--map: onbekend veld '{name}'. Bekende velden: {known}.")
        if not column:
            result[key] = None
            continue
        index = next((i for i, h in enumerate(headers) if h == column), None)
        if index is None:
            index = next((i for i, h in enumerate(headers) if rules.normalise_header(h) == rules.normalise_header(column)), None)
        if index is None and column.isdigit() and 1 <= int(column) <= len(headers):
            index = int(column) - 1
        if index is None:
            raise FileRefused(f"--map: het bestand heeft geen kolom '{column}'.")
        result[key] = index
    return result


def import_file(
    uow: UnitOfWork, actor: Actor, clock: Clock, reader: TabularReader, *,
    organisation_name: str, filename: str, data: bytes, overrides: Sequence[str] = (),
    update_existing: bool = False, dry_run: bool = False,
) -> ImportResult:
    """``mijnportfolio import-students``: map by headers (``overrides`` win), refuse rows with
    unknown or ambiguous programmes, supervisors and trainers (unknown groups are created, as
    the wizard does by default), import the rest in one transaction. FileRefused for a file
    refused as a whole (nothing imported)."""
    table = reader.read(data, filename)
    with uow:
        organisation = uow.organisations.get_by_name(organisation_name or "")
        if organisation is None:
            raise FileRefused(f"Organisatie '{organisation_name}' bestaat niet.")
        require(actor, Permission.MANAGE_STUDENTS, organisation_id=organisation.id)
        saved = uow.import_mappings.get(organisation.id)
        mapping = rules.suggest_mapping(table.headers, saved.mapping if saved else None)
        explicit = resolve_overrides(table.headers, overrides)
        for index in {i for i in explicit.values() if i is not None}:
            for key, current in list(mapping.items()):
                if current == index and key not in explicit:
                    mapping[key] = None  # a column serves one field; the explicit one wins
        mapping.update(explicit)
        missing = rules.missing_required(mapping)
        if missing:
            raise FileRefused(
                "Het bestand mist een kolom voor: " + ", ".join(missing)
                + ". Geef de kolom aan met --map VELD=KOLOM."
            )
        plan = plan_rows(table, mapping, {}, _store(uow), organisation.id, update_existing=update_existing)
        if dry_run:
            return ImportResult(
                created=len(plan.creates), updated=len(plan.updates) if update_existing else 0,
                skipped=0 if update_existing else len(plan.updates), errors=plan.errors,
                groups_created=plan.groups_to_create, dry_run=True,
            )
        result = _write(uow, clock, organisation.id, plan, update_existing=update_existing)
        _remember_mapping(uow, clock, organisation.id, mapping, table.headers)
        uow.commit()
        return result


def organisations_for_import(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """The organisations the actor may import students into (admins: all)."""
    with uow:
        return [
            (o.id, o.name)
            for o in uow.organisations.list()
            if is_allowed(actor, Permission.MANAGE_STUDENTS, organisation_id=o.id)
        ]
