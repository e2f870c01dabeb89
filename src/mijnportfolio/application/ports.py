"""Ports: what the use cases need from the outside world, as structural protocols.

Adapters do not inherit from these; tests/unit/test_port_conformance.py checks that every
adapter and every fake fits its port.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, BinaryIO, Iterable, Protocol, Self, Sequence

from mijnportfolio.domain.catalogue import Exam, Module, Programme
from mijnportfolio.domain.faq import FaqItem
from mijnportfolio.domain.imports import ImportMapping, ImportSession
from mijnportfolio.domain.mail import EmailMessage, OutboxMessage
from mijnportfolio.domain.organisations import Organisation, User
from mijnportfolio.domain.students import ParticipantGroup, Student
from mijnportfolio.domain.tokens import UserToken

if TYPE_CHECKING:  # the import module defines its own bulk port; importing it here would be circular
    from .imports import StudentImportStore


class Clock(Protocol):
    """Tells the current time, timezone-aware in UTC (tests set it)."""

    def now(self) -> dt.datetime: ...


class PasswordHasher(Protocol):
    """Hashes passwords one-way (argon2id) and verifies them in constant time."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class Mailer(Protocol):
    """Delivers one e-mail now or raises; callers queue through the outbox instead."""

    def send(self, message: EmailMessage) -> None: ...


class FileStore(Protocol):
    """Keeps uploaded files by an opaque key outside the database."""

    def save(self, data: bytes, *, suffix: str = "") -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class OrganisationRepository(Protocol):
    """Organisations by id and name."""

    def add(self, organisation: Organisation) -> None: ...

    def get(self, organisation_id: int) -> Organisation | None: ...

    def get_by_name(self, name: str) -> Organisation | None: ...

    def list(self) -> Sequence[Organisation]: ...


class UserRepository(Protocol):
    """Users (staff and students) by id and by (normalised) e-mail."""

    def add(self, user: User) -> None: ...

    def get(self, user_id: int) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def list_by_ids(self, user_ids: Iterable[int]) -> Sequence[User]: ...


class TokenRepository(Protocol):
    """Single-use e-mail tokens, looked up by their hash."""

    def add(self, token: UserToken) -> None: ...

    def get_by_hash(self, token_hash: str) -> UserToken | None: ...


class OutboxRepository(Protocol):
    """The transactional outbox: queued e-mail, due when next_attempt_at has passed."""

    def add(self, message: OutboxMessage) -> None: ...

    def due(self, now: dt.datetime, limit: int) -> Sequence[OutboxMessage]: ...

    def pending_count(self) -> int: ...


class ProgrammeRepository(Protocol):
    """Programmes (opleidingen)."""

    def add(self, programme: Programme) -> None: ...

    def get(self, programme_id: int) -> Programme | None: ...

    def get_by_crebo(self, crebo: str) -> Programme | None: ...

    def list(self) -> Sequence[Programme]: ...

    def student_count(self, programme_id: int) -> int:
        """How many students (active or not) follow the programme."""
        ...

    def delete(self, programme: Programme) -> None: ...


class ModuleRepository(Protocol):
    """Modules of programmes."""

    def add(self, module: Module) -> None: ...

    def get(self, module_id: int) -> Module | None: ...

    def list_for_programme(self, programme_id: int) -> Sequence[Module]: ...

    def delete(self, module: Module) -> None: ...


class ExamRepository(Protocol):
    """Exams with their parts, core tasks, work processes and criteria (one aggregate)."""

    def add(self, exam: Exam) -> None: ...

    def get(self, exam_id: int) -> Exam | None: ...

    def get_by_code(self, programme_id: int, code: str) -> Exam | None: ...

    def list_for_programme(self, programme_id: int) -> Sequence[Exam]: ...

    def delete(self, exam: Exam) -> None: ...


class StudentRepository(Protocol):
    """Students with their user and groups."""

    def add(self, student: Student) -> None: ...

    def get(self, student_id: int) -> Student | None: ...

    def get_by_number(self, organisation_id: int, student_number: str) -> Student | None: ...

    def get_by_user_id(self, user_id: int) -> Student | None: ...

    def list_by_ids(self, student_ids: Iterable[int]) -> Sequence[Student]: ...

    def list_by_numbers(self, organisation_id: int, numbers: Iterable[str]) -> Sequence[Student]: ...


class GroupRepository(Protocol):
    """Participant groups of an organisation."""

    def add(self, group: ParticipantGroup) -> None: ...

    def get(self, group_id: int) -> ParticipantGroup | None: ...

    def get_by_name(self, organisation_id: int, name: str) -> ParticipantGroup | None: ...

    def list_for_organisation(self, organisation_id: int) -> Sequence[ParticipantGroup]: ...

    def member_count(self, group_id: int) -> int: ...

    def delete(self, group: ParticipantGroup) -> None: ...


class FaqRepository(Protocol):
    """FAQ items in their order."""

    def add(self, item: FaqItem) -> None: ...

    def get(self, item_id: int) -> FaqItem | None: ...

    def list(self) -> Sequence[FaqItem]: ...

    def delete(self, item: FaqItem) -> None: ...


class ImportSessionRepository(Protocol):
    """Import wizard runs, by their random id."""

    def add(self, session: ImportSession) -> None: ...

    def get(self, session_id: str) -> ImportSession | None: ...

    def older_than(self, moment: dt.datetime) -> Sequence[ImportSession]: ...

    def delete(self, session: ImportSession) -> None: ...


class ImportMappingRepository(Protocol):
    """The saved column mapping per organisation."""

    def get(self, organisation_id: int) -> ImportMapping | None: ...

    def add(self, mapping: ImportMapping) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls everything back."""

    organisations: OrganisationRepository
    users: UserRepository
    tokens: TokenRepository
    outbox: OutboxRepository
    programmes: ProgrammeRepository
    modules: ModuleRepository
    exams: ExamRepository
    students: StudentRepository
    groups: GroupRepository
    faq: FaqRepository
    import_sessions: ImportSessionRepository
    import_mappings: ImportMappingRepository
    student_import: StudentImportStore

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def flush(self) -> None:
        """Send pending changes so that new records get their ids, without committing."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case call."""

    def __call__(self) -> UnitOfWork: ...
