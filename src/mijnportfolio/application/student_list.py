"""The student lists "Portfolio's" and "Mijn Portfolio" (product.md section 7) as a read model.

The list is read through ``StudentListQuery``, a port that answers in a fixed number of SQL
statements whatever the number of students; the use cases here only decide *which* students
the actor may see (``student_scope``) and pass the user's filters on.
"""

from __future__ import annotations

from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.permissions import Actor, Permission, StudentScope, require, student_scope

SORT_KEYS = ("name", "number", "programme", "cohort")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


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


def normalise_sort(sort: str | None) -> str:
    """A known sort key, optionally prefixed by '-' for descending; 'name' otherwise."""
    sort = (sort or "name").strip()
    return sort if sort.lstrip("-") in SORT_KEYS else "name"


def _scope(actor: Actor, mine: bool) -> StudentScope:
    require(actor, Permission.LIST_STUDENTS)
    return student_scope(actor, mine=mine)


def list_students(
    query: StudentListQuery,
    actor: Actor,
    filters: StudentListFilters,
    *,
    mine: bool = False,
    sort: str | None = None,
    page: int = 1,
    per_page: int = DEFAULT_PAGE_SIZE,
) -> StudentPage:
    """One page of the students ``actor`` may see, filtered and sorted."""
    scope = _scope(actor, mine)
    per_page = min(MAX_PAGE_SIZE, max(1, per_page))
    result = query.page(scope, filters, normalise_sort(sort), max(1, page), per_page)
    if result.rows == () and result.total and page > result.pages:
        # Asked beyond the last page (e.g. after narrowing a filter): show the last page instead.
        result = query.page(scope, filters, normalise_sort(sort), result.pages, per_page)
    return result


def export_students(
    query: StudentListQuery, actor: Actor, filters: StudentListFilters, *, mine: bool = False, sort: str | None = None
) -> Sequence[StudentRow]:
    """Every student of the (filtered) list, for the CSV/Excel export."""
    return query.all_rows(_scope(actor, mine), filters, normalise_sort(sort))


def filter_options(query: StudentListQuery, actor: Actor, *, mine: bool = False) -> FilterOptions:
    return query.options(_scope(actor, mine))
