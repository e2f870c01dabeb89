"""Read model of the Examenoverzicht and of the planning screen's examiner choices (SQLAlchemy Core).

A page of the overview is six statements whatever the number of students and exams: the exams
with their parts, the organisations whose examiners may plan, the count, the page of students,
the facts of their latest attempts, and the counts of each combination of facts over all pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.examination import (
    CellFacts,
    ExaminerOption,
    FactCount,
    OverviewData,
    OverviewExam,
    OverviewFilters,
    OverviewStudent,
)
from mijnportfolio.application.ports.students import Option
from mijnportfolio.domain.examination.status import AttemptFacts, Coverage
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.values import display_name, search_text

from . import orm
from .student_scope import scope_clause

s = orm.students.c
u = orm.users.c
p = orm.programmes.c
e = orm.exams.c
ep = orm.exam_parts.c
a = orm.attempts.c
pp = orm.part_plannings.c
sg = orm.student_groups.c
g = orm.participant_groups.c
o = orm.organisations.c

_CHUNK = 900  # SQLite's limit on bound parameters


def _utc(value: dt.datetime | str) -> dt.datetime:
    """A moment from an aggregate, which SQLite may give back as naive or as text."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _students_where(programme_id: int, scope: StudentScope, filters: OverviewFilters) -> sa.ColumnElement[bool]:
    conditions: list[sa.ColumnElement[bool]] = [s.programme_id == programme_id, s.active.is_(True), scope_clause(scope)]
    if filters.group_id is not None:
        conditions.append(sa.exists().where(sg.student_id == s.id, sg.group_id == filters.group_id))
    if filters.cohort:
        conditions.append(s.cohort == filters.cohort)
    if filters.q and filters.q.strip():
        for word in search_text(filters.q.strip()).split()[:8]:
            conditions.append(
                sa.or_(
                    u.sort_name.contains(word, autoescape=True),
                    u.email.contains(word, autoescape=True),
                    sa.func.lower(s.student_number).contains(word, autoescape=True),
                )
            )
    return sa.and_(*conditions)


def _order(sort: str) -> list:
    descending = sort.startswith("-")
    key = {"name": u.sort_name, "number": s.student_number, "cohort": s.cohort}.get(sort.lstrip("-"), u.sort_name)
    return [key.desc() if descending else key.asc(), u.sort_name, s.student_number, s.id]


def _latest_attempts(exam_ids: list[int], student_ids):
    """The latest attempt per (student, exam) of these exams and students (a list or a select)."""
    return (
        sa.select(a.student_id, a.exam_id, sa.func.max(a.number).label("number"))
        .where(a.exam_id.in_(exam_ids), a.student_id.in_(student_ids))
        .group_by(a.student_id, a.exam_id)
        .subquery("latest")
    )


def _attempt_facts(exam_ids: list[int], student_ids):
    """Per latest attempt: its number, outcome and how many parts are planned and final, and the first start."""
    latest = _latest_attempts(exam_ids, student_ids)
    return (
        sa.select(
            a.id.label("attempt_id"), a.student_id, a.exam_id, a.number, a.result_passed,
            sa.func.count(pp.id).label("planned"),
            sa.func.count(pp.finalized_at).label("final"),
            sa.func.min(pp.starts_at).label("first_start"),
        )
        .select_from(
            orm.attempts.join(
                latest, sa.and_(latest.c.student_id == a.student_id, latest.c.exam_id == a.exam_id, latest.c.number == a.number)
            ).outerjoin(orm.part_plannings, pp.attempt_id == a.id)
        )
        .group_by(a.id, a.student_id, a.exam_id, a.number, a.result_passed)
    )


class SqlAlchemyOverviewQuery:
    """Implements OverviewQuery and PlanningOptionsQuery."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def programmes(self, scope: StudentScope) -> Sequence[Option]:
        query = sa.select(p.id, p.name, p.crebo).order_by(p.name, p.crebo)
        limited = scope.nothing or scope.organisation_id is not None or scope.linked_user_id is not None or scope.own_user_id is not None
        if limited:
            query = query.where(
                sa.exists().where(s.programme_id == p.id, s.active.is_(True), scope_clause(scope))
            )
        with self.engine.connect() as conn:
            return [Option(r.id, f"{r.name} ({r.crebo})") for r in conn.execute(query)]

    def overview(
        self, programme_id: int, scope: StudentScope, filters: OverviewFilters, *, sort: str,
        page: int | None, per_page: int, now: dt.datetime,
    ) -> OverviewData:
        where = _students_where(programme_id, scope, filters)
        base = orm.students.join(orm.users, u.id == s.user_id)
        with self.engine.connect() as conn:
            exams: dict[int, tuple[str, str, list[int]]] = {}
            for row in conn.execute(
                sa.select(e.id, e.code, e.name, ep.id.label("part_id"))
                .select_from(orm.exams.outerjoin(orm.exam_parts, ep.exam_id == e.id))
                .where(e.programme_id == programme_id)
                .order_by(e.position, e.code, e.id, ep.number)
            ):
                entry = exams.setdefault(row.id, (row.code, row.name, []))
                if row.part_id is not None:
                    entry[2].append(row.part_id)
            exam_list = tuple(
                OverviewExam(id=i, code=code, name=name, part_ids=tuple(parts)) for i, (code, name, parts) in exams.items()
            )
            may_plan = frozenset(conn.execute(sa.select(o.id).where(o.examiners_may_plan.is_(True))).scalars())
            total = conn.execute(sa.select(sa.func.count()).select_from(base).where(where)).scalar_one()
            rows_query = (
                sa.select(
                    s.id, s.user_id, s.organisation_id, s.student_number, s.cohort, s.supervisor_id, s.trainer_id,
                    u.first_name, u.infix, u.last_name, u.email,
                )
                .select_from(base).where(where).order_by(*_order(sort))
            )
            if page is not None:
                rows_query = rows_query.limit(per_page).offset((page - 1) * per_page)
            students = tuple(
                OverviewStudent(
                    id=r.id, user_id=r.user_id, organisation_id=r.organisation_id, student_number=r.student_number,
                    display_name=display_name(r.first_name, r.infix, r.last_name) or r.email, cohort=r.cohort,
                    supervisor_id=r.supervisor_id, trainer_id=r.trainer_id,
                )
                for r in conn.execute(rows_query)
            )
            exam_ids = list(exams)
            cells: list[CellFacts] = []
            counts: list[FactCount] = []
            next_start: dt.datetime | None = None
            if exam_ids and total:
                counts, next_start = self._fact_counts(conn, exam_list, sa.select(s.id).select_from(base).where(where), now)
            if exam_ids and students:
                part_counts = {exam.id: len(exam.part_ids) for exam in exam_list}
                on_page = [st.id for st in students] if page is not None else sa.select(s.id).select_from(base).where(where)
                facts = _attempt_facts(exam_ids, on_page)
                for r in conn.execute(facts):
                    cells.append(
                        CellFacts(
                            student_id=r.student_id, exam_id=r.exam_id, attempt_id=r.attempt_id,
                            facts=AttemptFacts(
                                number=r.number, part_count=part_counts.get(r.exam_id, 0), planned_count=r.planned,
                                final_count=r.final, first_start=r.first_start, passed=r.result_passed,
                            ),
                        )
                    )
        return OverviewData(
            exams=exam_list, students=students, cells=tuple(cells), total=total, fact_counts=tuple(counts),
            examiners_may_plan=may_plan, next_start=next_start,
        )

    @staticmethod
    def _fact_counts(
        conn, exams: tuple[OverviewExam, ...], student_ids, now: dt.datetime,
    ) -> tuple[list[FactCount], dt.datetime | None]:
        """How many cells share each combination of the status facts, over every filtered student,
        and the earliest first start after ``now`` (when the counts change by the clock alone)."""
        facts = _attempt_facts([exam.id for exam in exams], student_ids).subquery("facts")
        part_count = sa.case(*[(facts.c.exam_id == exam.id, len(exam.part_ids)) for exam in exams], else_=0)
        planned, final = facts.c.planned, facts.c.final
        coverage = sa.case((planned == 0, "none"), (planned < part_count, "some"), else_="all")
        started = sa.and_(facts.c.first_start.is_not(None), facts.c.first_start <= now)
        all_final = sa.and_(part_count > 0, final >= part_count)
        query = (
            sa.select(
                coverage.label("coverage"), sa.case((started, 1), else_=0).label("started"),
                sa.case((all_final, 1), else_=0).label("all_final"), facts.c.result_passed, sa.func.count().label("n"),
                sa.func.min(sa.case((facts.c.first_start > now, facts.c.first_start))).label("next_start"),
            )
            .select_from(facts)
            .group_by(sa.text("1"), sa.text("2"), sa.text("3"), sa.text("4"))
        )
        rows = list(conn.execute(query))
        counts = [
            FactCount(
                coverage=Coverage(r.coverage), started=bool(r.started), all_final=bool(r.all_final),
                passed=None if r.result_passed is None else bool(r.result_passed), count=r.n,
            )
            for r in rows
        ]
        starts = [_utc(r.next_start) for r in rows if r.next_start is not None]
        return counts, min(starts, default=None)

    def filter_options(self, programme_id: int, scope: StudentScope) -> tuple[Sequence[Option], Sequence[str]]:
        visible = sa.select(s.id).where(s.programme_id == programme_id, s.active.is_(True), scope_clause(scope))
        with self.engine.connect() as conn:
            groups = [
                Option(r.id, r.name)
                for r in conn.execute(
                    sa.select(g.id, g.name).distinct()
                    .select_from(orm.participant_groups.join(orm.student_groups, sg.group_id == g.id))
                    .where(sg.student_id.in_(visible))
                    .order_by(g.name)
                )
            ]
            cohorts = list(
                conn.execute(
                    sa.select(s.cohort).distinct().where(s.id.in_(visible), s.cohort.is_not(None)).order_by(s.cohort)
                ).scalars()
            )
        return groups, cohorts

    def examiners(self, organisation_id: int) -> Sequence[ExaminerOption]:
        with self.engine.connect() as conn:
            return [
                ExaminerOption(r.id, display_name(r.first_name, r.infix, r.last_name) or r.email)
                for r in conn.execute(
                    sa.select(u.id, u.first_name, u.infix, u.last_name, u.email)
                    .where(u.organisation_id == organisation_id, u.role == Role.EXAMINER, u.active.is_(True))
                    .order_by(u.sort_name)
                )
            ]
