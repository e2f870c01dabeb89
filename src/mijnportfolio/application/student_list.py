"""The student lists "Portfolio's" and "Mijn Portfolio" (product.md section 7) as a read model.

The list is read through ``StudentListQuery``, a port that answers in a fixed number of SQL
statements whatever the number of students; the use cases here only decide *which* students
the actor may see (``student_scope``) and pass the user's filters on.
"""

from __future__ import annotations

from typing import Sequence

from mijnportfolio.domain.permissions import (
    Actor,
    Permission,
    StudentFacts,
    StudentScope,
    is_allowed,
    require,
    student_scope,
)

from .ports.students import (
    FilterOptions,
    StudentListFilters,
    StudentListQuery,
    StudentPage,
    StudentRow,
)

SORT_KEYS = ("name", "number", "programme", "cohort")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


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


def impersonable(actor: Actor, rows: Sequence[StudentRow]) -> frozenset[int]:
    """The ids of the rows whose student ``actor`` may look along with ("Log in als deze
    student"), decided by the permission policy from the facts each row carries."""
    return frozenset(
        row.id
        for row in rows
        if row.active
        and is_allowed(
            actor,
            Permission.IMPERSONATE_STUDENT,
            student=StudentFacts(
                organisation_id=row.organisation_id,
                user_id=row.user_id,
                supervisor_id=row.supervisor_id,
                trainer_id=row.trainer_id,
            ),
        )
    )
