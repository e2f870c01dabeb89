"""Ports of students and participant groups, with the records of the student lists and forms."""

from __future__ import annotations

from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.students import ParticipantGroup, Student


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


@attrs.frozen
class StudentListFilters:
    """What the user narrowed the list to. ``active`` None means active and inactive students."""

    programme_id: int | None = None
    group_id: int | None = None
    cohort: str | None = None
    q: str | None = None
    organisation_id: int | None = None
    active: bool | None = True


@attrs.frozen
class StudentRow:
    """One line of the list: plain values, nothing to lazy-load."""

    id: int
    organisation_id: int
    user_id: int
    student_number: str
    display_name: str
    email: str
    programme_name: str
    supervisor_id: int
    supervisor_name: str
    trainer_id: int | None
    trainer_name: str | None
    cohort: str | None
    groups: tuple[str, ...]
    active: bool
    organisation_name: str = ""


@attrs.frozen
class StudentPage:
    rows: tuple[StudentRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@attrs.frozen
class Option:
    value: int | str
    label: str


@attrs.frozen
class FilterOptions:
    """The choices of the filter and action selects, limited to what the actor may see."""

    programmes: tuple[Option, ...]
    groups: tuple[Option, ...]
    cohorts: tuple[str, ...]
    organisations: tuple[Option, ...]


class StudentListQuery(Protocol):
    """Reads the student list for a scope; every method runs a fixed number of SQL statements."""

    def page(
        self, scope: StudentScope, filters: StudentListFilters, sort: str, page: int, per_page: int
    ) -> StudentPage: ...

    def all_rows(self, scope: StudentScope, filters: StudentListFilters, sort: str) -> Sequence[StudentRow]: ...

    def ids(
        self, scope: StudentScope, filters: StudentListFilters, *, among: Iterable[int] | None = None
    ) -> list[int]: ...

    def options(self, scope: StudentScope) -> FilterOptions: ...


@attrs.frozen
class StaffOption:
    id: int
    label: str
    organisation_id: int


@attrs.frozen
class StudentFormOptions:
    """Choices of the student form: organisations, programmes, active supervisors and trainers."""

    organisations: tuple[Option, ...]
    programmes: tuple[Option, ...]
    supervisors: tuple[StaffOption, ...]
    trainers: tuple[StaffOption, ...]


class StudentFormOptionsQuery(Protocol):
    """Reads the choices of the student form in a fixed number of statements."""

    def form_options(self, keep_user_ids: Sequence[int] = ()) -> StudentFormOptions: ...


@attrs.frozen
class GroupRow:
    id: int
    organisation_id: int
    organisation_name: str
    name: str
    category: str | None
    description: str | None
    member_count: int

    @property
    def category_key(self) -> str:
        """The category to group the list by; groups without one share the empty key."""
        return self.category or ""


class GroupListQuery(Protocol):
    """Reads groups with their member counts (one statement), optionally of one organisation."""

    def group_rows(self, organisation_id: int | None, category: str | None = None) -> Sequence[GroupRow]: ...

    def group_categories(self, organisation_id: int | None) -> Sequence[str]: ...


