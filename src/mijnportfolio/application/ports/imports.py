"""Ports of the student import: wizard runs, the saved mapping, reading files, bulk writes."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.imports import ImportMapping, ImportSession
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.tokens import UserToken


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


class TableData(Protocol):
    """A read file: headers and (row number, cells) with row numbers counting data rows from 1,
    blank rows included; ``header_row`` is the header's row as a spreadsheet program shows it,
    so data row N is spreadsheet row ``header_row + N``."""

    kind: str
    headers: Sequence[str]
    rows: Sequence[tuple[int, Sequence[str]]]
    header_row: int


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


