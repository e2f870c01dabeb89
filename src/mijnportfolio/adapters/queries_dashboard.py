"""Read model of the Examendashboard and of the calendar feeds: planned parts of one person, in
one statement per list."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.examination import DashboardFilters, PartsPage, PlannedPart
from mijnportfolio.application.ports.students import Option
from mijnportfolio.domain.values import display_name

from . import orm

pp = orm.part_plannings.c
a = orm.attempts.c
s = orm.students.c
e = orm.exams.c
ep = orm.exam_parts.c
p = orm.programmes.c
sg = orm.student_groups.c
g = orm.participant_groups.c
_student_user = orm.users.alias("student_user")
_examiner1 = orm.users.alias("examiner1")
_examiner2 = orm.users.alias("examiner2")
su, e1, e2 = _student_user.c, _examiner1.c, _examiner2.c


def _utc(value: dt.datetime | str) -> dt.datetime:
    """A moment from a window function, which SQLite may give back as naive or as text."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _examiner(user_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(pp.examiner1_id == user_id, pp.examiner2_id == user_id)


def _select(user_id: int):
    return sa.select(
        pp.id, pp.attempt_id, a.number.label("attempt_number"), s.id.label("student_id"), s.student_number,
        su.first_name, su.infix, su.last_name, su.email,
        e.code, e.name.label("exam_name"), p.name.label("programme_name"), ep.number.label("part_number"),
        ep.title.label("part_title"), pp.starts_at, pp.ends_at, pp.location,
        e1.first_name.label("e1_first"), e1.infix.label("e1_infix"), e1.last_name.label("e1_last"),
        e2.first_name.label("e2_first"), e2.infix.label("e2_infix"), e2.last_name.label("e2_last"),
        pp.examiner1_id, pp.examiner2_id, pp.examiner2_may_submit, pp.assessment_started_at,
        pp.calendar_uid, pp.calendar_sequence,
    ).select_from(
        orm.part_plannings.join(orm.attempts, a.id == pp.attempt_id)
        .join(orm.students, s.id == a.student_id)
        .join(_student_user, su.id == s.user_id)
        .join(orm.exams, e.id == a.exam_id)
        .join(orm.programmes, p.id == e.programme_id)
        .join(orm.exam_parts, ep.id == pp.part_id)
        .join(_examiner1, e1.id == pp.examiner1_id)
        .outerjoin(_examiner2, e2.id == pp.examiner2_id)
    )


def _filtered(query, filters: DashboardFilters):
    if filters.programme_id is not None:
        query = query.where(e.programme_id == filters.programme_id)
    if filters.student_id is not None:
        query = query.where(s.id == filters.student_id)
    if filters.group_id is not None:
        query = query.where(sa.exists().where(sg.student_id == s.id, sg.group_id == filters.group_id))
    return query


def _row(r, user_id: int) -> PlannedPart:
    return PlannedPart(
        planning_id=r.id, attempt_id=r.attempt_id, attempt_number=r.attempt_number, student_id=r.student_id,
        student_name=display_name(r.first_name, r.infix, r.last_name) or r.email, student_number=r.student_number,
        exam_code=r.code, exam_name=r.exam_name, programme_name=r.programme_name, part_number=r.part_number,
        part_title=r.part_title or "", starts_at=r.starts_at, ends_at=r.ends_at, location=r.location,
        examiner1_name=display_name(r.e1_first, r.e1_infix, r.e1_last),
        examiner2_name=display_name(r.e2_first, r.e2_infix, r.e2_last) if r.examiner2_id else None,
        examiner_role=1 if r.examiner1_id == user_id else 2, examiner2_may_submit=bool(r.examiner2_may_submit),
        assessment_started=r.assessment_started_at is not None,
        calendar_uid=r.calendar_uid, calendar_sequence=r.calendar_sequence,
    )


class SqlAlchemyDashboardQuery:
    """Implements DashboardQuery."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def _run(self, query, user_id: int) -> list[PlannedPart]:
        with self.engine.connect() as conn:
            return [_row(r, user_id) for r in conn.execute(query)]

    def _page(self, query, user_id: int, page: int, per_page: int) -> PartsPage:
        """A page of ``query`` with the count of all its rows (a window over the same statement)."""
        query = query.add_columns(
            sa.func.count().over().label("total"), sa.func.min(pp.starts_at).over().label("first_start"),
        ).order_by(pp.starts_at, pp.id)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query.limit(per_page).offset((page - 1) * per_page)))
            if not rows and page > 1:  # beyond the last page (the list got shorter): the last page
                total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
                page = max(1, -(-total // per_page))
                rows = list(conn.execute(query.limit(per_page).offset((page - 1) * per_page)))
        total = rows[0].total if rows else 0
        first = _utc(rows[0].first_start) if rows else None
        return PartsPage(
            rows=tuple(_row(r, user_id) for r in rows), total=total, page=page, per_page=per_page, first_start=first,
        )

    def open_parts(
        self, examiner_id: int, filters: DashboardFilters, now: dt.datetime, *, page: int, per_page: int,
    ) -> PartsPage:
        query = _filtered(_select(examiner_id), filters).where(
            _examiner(examiner_id), pp.starts_at <= now, pp.finalized_at.is_(None), s.active.is_(True)
        )
        return self._page(query, examiner_id, page, per_page)

    def upcoming_parts(
        self, examiner_id: int, filters: DashboardFilters, now: dt.datetime, *, page: int, per_page: int,
    ) -> PartsPage:
        query = _filtered(_select(examiner_id), filters).where(
            _examiner(examiner_id), pp.starts_at > now, s.active.is_(True)
        )
        return self._page(query, examiner_id, page, per_page)

    def parts_of_user(self, user_id: int, since: dt.datetime) -> Sequence[PlannedPart]:
        query = _select(user_id).where(
            sa.or_(_examiner(user_id), s.user_id == user_id), pp.starts_at >= since
        ).order_by(pp.starts_at, pp.id).limit(5000)
        return self._run(query, user_id)

    def filter_options(self, examiner_id: int) -> tuple[Sequence[Option], Sequence[Option], Sequence[Option]]:
        mine = (
            sa.select(a.student_id, a.exam_id)
            .select_from(orm.part_plannings.join(orm.attempts, a.id == pp.attempt_id))
            .where(_examiner(examiner_id))
            .subquery("mine")
        )
        with self.engine.connect() as conn:
            programmes = [
                Option(r.id, f"{r.name} ({r.crebo})")
                for r in conn.execute(
                    sa.select(p.id, p.name, p.crebo).distinct()
                    .select_from(orm.programmes.join(orm.exams, e.programme_id == p.id).join(mine, mine.c.exam_id == e.id))
                    .order_by(p.name, p.crebo)
                )
            ]
            groups = [
                Option(r.id, r.name)
                for r in conn.execute(
                    sa.select(g.id, g.name).distinct()
                    .select_from(orm.participant_groups.join(orm.student_groups, sg.group_id == g.id)
                                 .join(mine, mine.c.student_id == sg.student_id))
                    .order_by(g.name)
                )
            ]
            students = [
                Option(r.id, (display_name(r.first_name, r.infix, r.last_name) or r.email) + f" ({r.student_number})")
                for r in conn.execute(
                    sa.select(s.id, s.student_number, su.first_name, su.infix, su.last_name, su.email, su.sort_name).distinct()
                    .select_from(orm.students.join(_student_user, su.id == s.user_id).join(mine, mine.c.student_id == s.id))
                    .order_by(su.sort_name)
                )
            ]
        return programmes, groups, students
