"""The import wizard (product.md 4.3): upload, mapping, choices, preview, import.

Every step recomputes from the stored file and the stored choices, so a reload or a second tab
shows the same thing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Callable, Mapping

import attrs

from mijnportfolio.domain import imports as rules
from mijnportfolio.domain.errors import InvalidValue, NotFound
from mijnportfolio.domain.imports import (
    GroupChoiceRequired,
    ImportAlreadyRun,
    ImportSession,
    NothingToImport,
    RowError,
)
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed, require

from ..ports.common import Clock, FileStore
from ..ports.imports import TableData, TabularReader
from ..ports.unit_of_work import UnitOfWork
from .plan import Ambiguity, Plan, PlannedRow, plan_rows
from .state import ImportResult, WizardState
from .write import import_store, remember_mapping, write_plan

SESSION_LIFETIME = dt.timedelta(hours=24)
PREVIEW_LIMIT = 200  # rows per table on the preview page; the counts are always complete


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

    @property
    def can_import(self) -> bool:
        """Whether 'Importeer studenten' would do anything with the choices as they are stored."""
        return self.create_count > 0 or (self.update_existing and self.update_count > 0)


@attrs.frozen
class SessionView:
    id: str
    organisation_id: int
    organisation_name: str
    filename: str
    step: str
    headers: tuple[str, ...]
    row_count: int
    mapping: Mapping[str, int | None]
    update_existing: bool
    invite: bool
    result: ImportResult | None
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
                state=WizardState.for_file(table.kind, table.headers, len(table.rows), mapping).to_json(),
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
    state = _load_state(session)
    samples: tuple[tuple[str, ...], ...] = ()
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
        filename=session.filename, step=session.step, headers=state.headers,
        row_count=state.row_count, mapping=dict(state.mapping),
        update_existing=state.update_existing, invite=state.invite,
        result=state.result, samples=samples,
    )


def _table(file_store: FileStore, reader: TabularReader, session: ImportSession) -> TableData:
    try:
        data = file_store.read(session.file_key)
    except (OSError, KeyError, ValueError):
        raise NotFound("Het bestand van deze import is niet meer beschikbaar. Begin opnieuw met 'Importeren'.") from None
    return reader.read(data, session.filename)


def _load_state(session: ImportSession) -> WizardState:
    return WizardState.from_json(session.state)


def _store_state(session: ImportSession, clock: Clock, state: WizardState) -> None:
    session.state = state.to_json()  # a new dict: the ORM sees the change
    session.updated_at = clock.now()


def _plan(uow: UnitOfWork, session: ImportSession, table: TableData, state: WizardState) -> Plan:
    return plan_rows(table, state.mapping, state.resolutions, import_store(uow), session.organisation_id,
                     update_existing=state.update_existing, ask_unknown_groups=True)


def _require_choices(plan: Plan) -> None:
    if plan.undecided:
        raise GroupChoiceRequired([a.value for a in plan.undecided])


def _require_something_to_import(plan: Plan, *, update_existing: bool) -> None:
    if plan.creates or (update_existing and plan.updates):
        return
    if plan.updates:
        raise NothingToImport(
            "Er is niets om te importeren: er zijn geen nieuwe studenten en de studenten met een "
            "bestaand studentnummer worden overgeslagen. Kies 'Bijwerken met de gegevens uit het "
            "bestand' om ze bij te werken."
        )
    raise NothingToImport()


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
        state = _load_state(session)
        headers = state.headers
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
        state = attrs.evolve(state, mapping=clean)
        plan = _plan(uow, session, table, state)
        step = "resolve" if plan.ambiguities else "preview"
        _store_state(session, clock, state)
        session.step = step
        uow.commit()
        return step


def _not_done(session: ImportSession) -> None:
    if session.step == "done":
        raise ImportAlreadyRun()


def list_ambiguities(
    uow: UnitOfWork, actor: Actor, file_store: FileStore, reader: TabularReader, session_id: str
) -> list[Ambiguity]:
    """Step 3: each distinct value that names no or several records, once, with its choices."""
    with uow:
        session = _get(uow, actor, session_id)
        table = _table(file_store, reader, session)
        return _plan(uow, session, table, _load_state(session)).ambiguities


def save_resolutions(
    uow: UnitOfWork, actor: Actor, clock: Clock, file_store: FileStore, reader: TabularReader,
    session_id: str, choices: Mapping[str, str],
) -> None:
    """Step 3 submitted: ``choices`` maps an ambiguity's key to one of its option values.
    GroupChoiceRequired, and nothing stored, while an unknown group has no choice."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        table = _table(file_store, reader, session)
        state = _load_state(session)
        plan = _plan(uow, session, table, state)
        resolutions = {k: dict(v) for k, v in state.resolutions.items()}
        missing: list[str] = []
        for amb in plan.ambiguities:
            choice = choices.get(amb.key)
            if choice is not None and amb.accepts(choice):
                resolutions.setdefault(amb.kind, {})[rules.fold(amb.value)] = choice
            elif amb.choice is None:
                missing.append(amb.value)
        if missing:
            raise GroupChoiceRequired(missing)
        _store_state(session, clock, attrs.evolve(state, resolutions=resolutions))
        session.step = "preview"
        uow.commit()


def preview(
    uow: UnitOfWork, actor: Actor, file_store: FileStore, reader: TabularReader, session_id: str,
    *, limit: int = PREVIEW_LIMIT,
) -> Preview:
    """Step 4: rows to create, rows matching an existing student number, rows refused (with
    reasons). GroupChoiceRequired while an unknown group has no choice (a run stored by an
    earlier version, or changed in another tab)."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        table = _table(file_store, reader, session)
        state = _load_state(session)
        plan = _plan(uow, session, table, state)
        _require_choices(plan)
        return Preview(
            creates=[plan.planned(row, refs) for row, refs in plan.creates[:limit]],
            updates=[plan.planned(row, refs) for row, refs, _ in plan.updates[:limit]],
            errors=plan.errors[:limit],
            create_count=len(plan.creates),
            update_count=len(plan.updates),
            error_count=len(plan.errors),
            groups_to_create=plan.groups_to_create,
            update_existing=state.update_existing,
            invite=state.invite,
        )


def run_import(
    uow: UnitOfWork, actor: Actor, clock: Clock, file_store: FileStore, reader: TabularReader,
    session_id: str, *, update_existing: bool, invite: bool = False,
    invitation_url: Callable[[str], str] | None = None,
) -> ImportResult:
    """Step 5 ('Importeer studenten'): every importable row in ONE transaction, the mapping
    remembered for next time, the file deleted. Running it twice imports once. Refused, with
    nothing stored, while a group waits for a choice (GroupChoiceRequired) or when nothing
    would be created or updated (NothingToImport)."""
    with uow:
        session = _get(uow, actor, session_id)
        state = _load_state(session)
        if session.step == "done":
            return state.result or ImportResult(created=0, updated=0, skipped=0, errors=())
        table = _table(file_store, reader, session)
        state = attrs.evolve(state, update_existing=bool(update_existing), invite=bool(invite))
        # Claim the run first: a second tab importing at the same time fails on the version.
        session.step = "done"
        _store_state(session, clock, state)
        uow.flush()
        plan = _plan(uow, session, table, state)
        _require_choices(plan)
        _require_something_to_import(plan, update_existing=state.update_existing)
        result = write_plan(uow, clock, session.organisation_id, plan, update_existing=state.update_existing,
                            invitation_url=invitation_url if state.invite else None)
        remember_mapping(uow, clock, session.organisation_id, state.mapping, state.headers)
        key = session.file_key
        _store_state(session, clock, attrs.evolve(state, result=result))
        uow.commit()
    _delete_file(file_store, key)
    return result


def set_options(
    uow: UnitOfWork, actor: Actor, clock: Clock, session_id: str, *, update_existing: bool, invite: bool
) -> None:
    """Remember the preview's choices (update or skip existing students, invitations)."""
    with uow:
        session = _get(uow, actor, session_id)
        _not_done(session)
        state = attrs.evolve(_load_state(session), update_existing=bool(update_existing), invite=bool(invite))
        _store_state(session, clock, state)
        uow.commit()


def cancel_import(uow: UnitOfWork, actor: Actor, file_store: FileStore, session_id: str) -> None:
    with uow:
        session = _get(uow, actor, session_id)
        key = session.file_key
        uow.import_sessions.delete(session)
        uow.commit()
    _delete_file(file_store, key)


def organisations_for_import(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """The organisations the actor may import students into (admins: all)."""
    with uow:
        return [
            (o.id, o.name)
            for o in uow.organisations.list()
            if o.id is not None and is_allowed(actor, Permission.MANAGE_STUDENTS, organisation_id=o.id)
        ]


