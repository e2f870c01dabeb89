"""Read model of the student lists, groups and the student form choices (SQLAlchemy Core).

Every method runs a fixed number of statements whatever the number of students: a page is one
count, one page query and one query for the groups of the students on that page.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.students import (
    FilterOptions,
    GroupRow,
    Option,
    StaffOption,
    StudentFormOptions,
    StudentListFilters,
    StudentPage,
    StudentRow,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.values import display_name, search_text

from . import orm
from .student_scope import scope_clause

s = orm.students.c
u = orm.users.c
p = orm.programmes.c
o = orm.organisations.c
g = orm.participant_groups.c
sg = orm.student_groups.c

_supervisor = orm.users.alias("supervisor")
_trainer = orm.users.alias("trainer")

# SQLite refuses statements with very many bound parameters; id lists are sent in chunks.
_CHUNK = 900


def _filter_clause(filters: StudentListFilters) -> sa.ColumnElement[bool]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.active is not None:
        conditions.append(s.active == filters.active)
    if filters.organisation_id is not None:
        conditions.append(s.organisation_id == filters.organisation_id)
    if filters.programme_id is not None:
        conditions.append(s.programme_id == filters.programme_id)
    if filters.cohort:
        conditions.append(s.cohort == filters.cohort)
    if filters.group_id is not None:
        conditions.append(
            sa.exists().where(sg.student_id == s.id, sg.group_id == filters.group_id)
        )
    if filters.q and filters.q.strip():
        # sort_name holds the folded (lower-case, accent-free) name parts, e-mail is stored in
        # lower case: each word of the search must occur in the name, e-mail or student number.
        for word in search_text(filters.q.strip()).split()[:8]:
            conditions.append(
                sa.or_(
                    u.sort_name.contains(word, autoescape=True),
                    u.email.contains(word, autoescape=True),
                    sa.func.lower(s.student_number).contains(word, autoescape=True),
                )
            )
    return sa.and_(sa.true(), *conditions)


def _base_from():
    return orm.students.join(orm.users, orm.users.c.id == s.user_id)


def _order_by(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    primary = {
        "name": [u.sort_name],
        "number": [s.student_number],
        "programme": [p.name, u.sort_name],
        "cohort": [s.cohort, u.sort_name],
    }.get(key, [u.sort_name])
    first = primary[0].desc() if descending else primary[0].asc()
    return [first, *primary[1:], s.student_number, s.id]


def _name(first, infix, last) -> str:
    return display_name(first, infix, last)


class SqlAlchemyStudentListQuery:
    """Implements StudentListQuery, StudentFormOptionsQuery and GroupListQuery."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    # -- the list -------------------------------------------------------------------------
    def _rows_select(self, scope: StudentScope, filters: StudentListFilters, sort: str):
        return (
            sa.select(
                s.id, s.organisation_id, s.user_id, s.student_number, s.cohort, s.active,
                s.supervisor_id, s.trainer_id,
                u.first_name, u.infix, u.last_name, u.email,
                p.name.label("programme_name"),
                o.name.label("organisation_name"),
                _supervisor.c.first_name.label("sup_first"), _supervisor.c.infix.label("sup_infix"),
                _supervisor.c.last_name.label("sup_last"),
                _trainer.c.first_name.label("tr_first"), _trainer.c.infix.label("tr_infix"),
                _trainer.c.last_name.label("tr_last"),
            )
            .select_from(
                _base_from()
                .join(orm.programmes, p.id == s.programme_id)
                .join(orm.organisations, o.id == s.organisation_id)
                .join(_supervisor, _supervisor.c.id == s.supervisor_id)
                .outerjoin(_trainer, _trainer.c.id == s.trainer_id)
            )
            .where(scope_clause(scope), _filter_clause(filters))
            .order_by(*_order_by(sort))
        )

    @staticmethod
    def _to_rows(result, groups: dict[int, list[str]]) -> tuple[StudentRow, ...]:
        return tuple(
            StudentRow(
                id=r.id,
                organisation_id=r.organisation_id,
                user_id=r.user_id,
                student_number=r.student_number,
                display_name=_name(r.first_name, r.infix, r.last_name) or r.email,
                email=r.email,
                programme_name=r.programme_name,
                supervisor_id=r.supervisor_id,
                supervisor_name=_name(r.sup_first, r.sup_infix, r.sup_last),
                trainer_id=r.trainer_id,
                trainer_name=_name(r.tr_first, r.tr_infix, r.tr_last) if r.trainer_id is not None else None,
                cohort=r.cohort,
                groups=tuple(groups.get(r.id, ())),
                active=bool(r.active),
                organisation_name=r.organisation_name,
            )
            for r in result
        )

    @staticmethod
    def _groups_of(conn, student_ids) -> dict[int, list[str]]:
        """Group names per student; ``student_ids`` is a list or a subquery of ids."""
        query = (
            sa.select(sg.student_id, g.name)
            .select_from(orm.student_groups.join(orm.participant_groups, g.id == sg.group_id))
            .where(sg.student_id.in_(student_ids))
            .order_by(g.name)
        )
        found: dict[int, list[str]] = {}
        for student_id, name in conn.execute(query):
            found.setdefault(student_id, []).append(name)
        return found

    def page(
        self, scope: StudentScope, filters: StudentListFilters, sort: str, page: int, per_page: int
    ) -> StudentPage:
        count = (
            sa.select(sa.func.count())
            .select_from(_base_from())
            .where(scope_clause(scope), _filter_clause(filters))
        )
        with self.engine.connect() as conn:
            total = conn.execute(count).scalar_one()
            result = conn.execute(
                self._rows_select(scope, filters, sort).limit(per_page).offset((page - 1) * per_page)
            ).all()
            ids = [r.id for r in result]
            groups = self._groups_of(conn, ids) if ids else {}
        return StudentPage(rows=self._to_rows(result, groups), total=total, page=page, per_page=per_page)

    def all_rows(self, scope: StudentScope, filters: StudentListFilters, sort: str) -> Sequence[StudentRow]:
        matching = (
            sa.select(s.id).select_from(_base_from()).where(scope_clause(scope), _filter_clause(filters))
        )
        with self.engine.connect() as conn:
            result = conn.execute(self._rows_select(scope, filters, sort)).all()
            groups = self._groups_of(conn, matching.scalar_subquery()) if result else {}
        return self._to_rows(result, groups)

    def ids(
        self, scope: StudentScope, filters: StudentListFilters, *, among: Iterable[int] | None = None
    ) -> list[int]:
        base = (
            sa.select(s.id)
            .select_from(_base_from())
            .where(scope_clause(scope), _filter_clause(filters))
            .order_by(u.sort_name, s.id)
        )
        with self.engine.connect() as conn:
            if among is None:
                return list(conn.execute(base).scalars())
            wanted = list(dict.fromkeys(int(i) for i in among))
            found: list[int] = []
            for start in range(0, len(wanted), _CHUNK):
                found.extend(conn.execute(base.where(s.id.in_(wanted[start : start + _CHUNK]))).scalars())
            return found

    def options(self, scope: StudentScope) -> FilterOptions:
        with self.engine.connect() as conn:
            # Two programmes may share a name; the crebo code tells them apart.
            programmes = tuple(
                Option(r.id, f"{r.name} ({r.crebo})")
                for r in conn.execute(sa.select(p.id, p.name, p.crebo).order_by(p.name, p.crebo))
            )
            organisations_q = sa.select(o.id, o.name).order_by(o.name)
            groups_q = (
                sa.select(g.id, g.name, g.category, o.name.label("organisation_name"))
                .select_from(orm.participant_groups.join(orm.organisations, o.id == g.organisation_id))
                .order_by(o.name, g.name)
            )
            if scope.organisation_id is not None:
                organisations_q = organisations_q.where(o.id == scope.organisation_id)
                groups_q = groups_q.where(g.organisation_id == scope.organisation_id)
            elif scope.nothing or scope.own_user_id is not None:
                organisations_q = organisations_q.where(sa.false())
                groups_q = groups_q.where(sa.false())
            organisations = tuple(Option(r.id, r.name) for r in conn.execute(organisations_q))
            several = len(organisations) > 1
            groups = tuple(
                Option(r.id, f"{r.name} ({r.organisation_name})" if several else r.name)
                for r in conn.execute(groups_q)
            )
            cohorts = tuple(
                conn.execute(
                    sa.select(s.cohort)
                    .distinct()
                    .where(scope_clause(scope), s.cohort.is_not(None))
                    .order_by(s.cohort)
                ).scalars()
            )
        return FilterOptions(programmes=programmes, groups=groups, cohorts=cohorts, organisations=organisations)

    # -- the student form -------------------------------------------------------------------
    def form_options(self, keep_user_ids: Sequence[int] = ()) -> StudentFormOptions:
        with self.engine.connect() as conn:
            organisations = tuple(Option(r.id, r.name) for r in conn.execute(sa.select(o.id, o.name).order_by(o.name)))
            programmes = tuple(
                Option(r.id, f"{r.name} ({r.crebo})")
                for r in conn.execute(sa.select(p.id, p.name, p.crebo).order_by(p.name, p.crebo))
            )
            staff = conn.execute(
                sa.select(u.id, u.role, u.first_name, u.infix, u.last_name, u.email, u.organisation_id, o.name.label("org"))
                .select_from(orm.users.join(orm.organisations, o.id == u.organisation_id))
                .where(
                    u.role.in_([Role.SUPERVISOR, Role.TRAINER]),
                    sa.or_(u.active.is_(True), u.id.in_(list(keep_user_ids) or [-1])),
                )
                .order_by(o.name, u.sort_name)
            ).all()
        several = len(organisations) > 1
        supervisors: list[StaffOption] = []
        trainers: list[StaffOption] = []
        for r in staff:
            label = _name(r.first_name, r.infix, r.last_name) or r.email
            if several:
                label = f"{label} ({r.org})"
            option = StaffOption(id=r.id, label=label, organisation_id=r.organisation_id)
            (supervisors if r.role is Role.SUPERVISOR else trainers).append(option)
        return StudentFormOptions(
            organisations=organisations, programmes=programmes,
            supervisors=tuple(supervisors), trainers=tuple(trainers),
        )

    # -- groups ----------------------------------------------------------------------------
    def group_rows(self, organisation_id: int | None, category: str | None = None) -> Sequence[GroupRow]:
        members = sa.func.count(sg.student_id)
        query = (
            sa.select(g.id, g.organisation_id, o.name.label("organisation_name"), g.name, g.category, g.description,
                      members.label("member_count"))
            .select_from(
                orm.participant_groups.join(orm.organisations, o.id == g.organisation_id).outerjoin(
                    orm.student_groups, sg.group_id == g.id
                )
            )
            .group_by(g.id, g.organisation_id, o.name, g.name, g.category, g.description)
            .order_by(o.name, sa.func.coalesce(g.category, ""), g.name)
        )
        if organisation_id is not None:
            query = query.where(g.organisation_id == organisation_id)
        if category:
            query = query.where(g.category == category)
        with self.engine.connect() as conn:
            return [
                GroupRow(
                    id=r.id, organisation_id=r.organisation_id, organisation_name=r.organisation_name, name=r.name,
                    category=r.category, description=r.description, member_count=r.member_count,
                )
                for r in conn.execute(query)
            ]

    def group_categories(self, organisation_id: int | None) -> Sequence[str]:
        query = sa.select(g.category).distinct().where(g.category.is_not(None)).order_by(g.category)
        if organisation_id is not None:
            query = query.where(g.organisation_id == organisation_id)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())
