"""The Examenoverzicht (manual 2.1, product.md 3.3): students × the exams of one programme.

The read model gives the facts of every cell and, over all pages, how many cells share each
combination of facts; the status of each comes from the domain's one rule, with the clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Sequence

import attrs

from mijnportfolio.domain.errors import NotFound
from mijnportfolio.domain.examination.status import (
    STATUS_ORDER,
    AttemptFacts,
    CellStatus,
    cell_attempt_number,
    cell_status,
    status_from,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import (
    Actor,
    Permission,
    StudentFacts,
    is_allowed,
    require,
    student_scope,
)

from ..ports.common import Clock
from ..ports.examination import (
    OverviewData,
    OverviewExam,
    OverviewFilters,
    OverviewQuery,
    OverviewStudent,
)
from ..ports.students import Option

SORTS = ("name", "-name", "number", "-number", "cohort", "-cohort")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@attrs.frozen
class Cell:
    exam_id: int
    exam_code: str
    status: CellStatus
    attempt_number: int
    attempt_id: int | None
    may_plan: bool

    @property
    def label(self) -> str:
        """A text for screen readers and the export: 'Ingepland, poging 1'."""
        if self.attempt_number:
            return f"{self.status.label}, poging {self.attempt_number}"
        return self.status.label


@attrs.frozen
class Row:
    student: OverviewStudent
    cells: tuple[Cell, ...]


@attrs.frozen
class Overview:
    programme_id: int
    programme_label: str
    exams: tuple[OverviewExam, ...]
    rows: tuple[Row, ...]
    total: int
    page: int
    per_page: int
    summary: tuple[tuple[CellStatus, int], ...]
    sort: str
    #: When a status on this page or in the summary changes by the clock alone (a part starts).
    valid_until: dt.datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _may_plan(actor: Actor, student: OverviewStudent, data: OverviewData) -> bool:
    # Staff other than admins see only linked students; an examiner among them is linked.
    examiner_ids = frozenset({actor.user_id}) if actor.role is Role.EXAMINER else frozenset()
    facts = StudentFacts(
        organisation_id=student.organisation_id, user_id=student.user_id, supervisor_id=student.supervisor_id,
        trainer_id=student.trainer_id, examiner_ids=examiner_ids,
    )
    return is_allowed(
        actor, Permission.PLAN_EXAM, student=facts,
        examiners_may_plan=student.organisation_id in data.examiners_may_plan,
    )


def _rows(actor: Actor, data: OverviewData, now) -> tuple[Row, ...]:
    facts: dict[tuple[int, int], tuple[int, AttemptFacts]] = {
        (c.student_id, c.exam_id): (c.attempt_id, c.facts) for c in data.cells
    }
    rows = []
    for student in data.students:
        plan = _may_plan(actor, student, data)
        cells = []
        for exam in data.exams:
            attempt_id, found = facts.get((student.id, exam.id), (None, None))
            cells.append(
                Cell(
                    exam_id=exam.id, exam_code=exam.code, status=cell_status(found, now),
                    attempt_number=cell_attempt_number(found), attempt_id=attempt_id, may_plan=plan,
                )
            )
        rows.append(Row(student=student, cells=tuple(cells)))
    return tuple(rows)


def _summary(data: OverviewData, total_students: int) -> tuple[tuple[CellStatus, int], ...]:
    counts: Counter[CellStatus] = Counter()
    with_attempt = 0
    for group in data.fact_counts:
        counts[status_from(group.coverage, group.started, group.all_final, group.passed)] += group.count
        with_attempt += group.count
    counts[CellStatus.NOT_PLANNED] += total_students * len(data.exams) - with_attempt
    return tuple((status, counts[status]) for status in STATUS_ORDER)


def _changes_at(data: OverviewData, now: dt.datetime) -> dt.datetime | None:
    starts = [c.facts.first_start for c in data.cells if c.facts.first_start is not None and c.facts.first_start > now]
    if data.next_start is not None:
        starts.append(data.next_start)
    return min(starts, default=None)


def _programme_label(query: OverviewQuery, actor: Actor, programme_id: int) -> str:
    """The programme's label, for whoever may list students and has some in it; NotFound otherwise."""
    require(actor, Permission.LIST_STUDENTS)
    programmes = {o.value: o.label for o in query.programmes(student_scope(actor))}
    if programme_id not in programmes:
        raise NotFound("Deze opleiding bestaat niet of je hebt er geen studenten in.")
    return str(programmes[programme_id])


def programme_choices(query: OverviewQuery, actor: Actor) -> Sequence[Option]:
    require(actor, Permission.LIST_STUDENTS)
    return query.programmes(student_scope(actor))


def show_overview(
    query: OverviewQuery,
    actor: Actor,
    clock: Clock,
    programme_id: int,
    filters: OverviewFilters,
    *,
    sort: str = "name",
    page: int = 1,
    per_page: int = DEFAULT_PAGE_SIZE,
) -> Overview:
    """One page of the overview of ``programme_id`` for the students ``actor`` may see."""
    label = _programme_label(query, actor, programme_id)
    scope = student_scope(actor)
    sort = sort if sort in SORTS else "name"
    per_page = min(MAX_PAGE_SIZE, max(1, per_page))
    now = clock.now()
    data = query.overview(programme_id, scope, filters, sort=sort, page=max(1, page), per_page=per_page, now=now)
    pages = max(1, -(-data.total // per_page))
    if page > pages and data.total:
        page = pages
        data = query.overview(programme_id, scope, filters, sort=sort, page=page, per_page=per_page, now=now)
    return Overview(
        programme_id=programme_id, programme_label=label, exams=data.exams,
        rows=_rows(actor, data, now), total=data.total, page=max(1, page), per_page=per_page,
        summary=_summary(data, data.total), sort=sort, valid_until=_changes_at(data, now),
    )


def export_overview(
    query: OverviewQuery, actor: Actor, clock: Clock, programme_id: int, filters: OverviewFilters, *, sort: str = "name"
) -> Overview:
    """Every row of the (filtered) overview, for the Excel and CSV export."""
    label = _programme_label(query, actor, programme_id)
    now = clock.now()
    sort = sort if sort in SORTS else "name"
    data = query.overview(programme_id, student_scope(actor), filters, sort=sort, page=None, per_page=0, now=now)
    return Overview(
        programme_id=programme_id, programme_label=label, exams=data.exams,
        rows=_rows(actor, data, now), total=data.total, page=1, per_page=max(1, data.total),
        summary=_summary(data, data.total), sort=sort, valid_until=_changes_at(data, now),
    )


def overview_filter_options(query: OverviewQuery, actor: Actor, programme_id: int) -> tuple[Sequence[Option], Sequence[str]]:
    require(actor, Permission.LIST_STUDENTS)
    return query.filter_options(programme_id, student_scope(actor))
