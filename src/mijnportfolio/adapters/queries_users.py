"""Read models of the admin lists: staff users and organisations.

Each list is two SQL statements (a count and one page), whatever the number of rows: the
rows are plain values, nothing is lazily loaded.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mijnportfolio.application.ports.organisations import (
    OrganisationRow,
    Page,
    UserListFilter,
    UserRow,
)
from mijnportfolio.domain.organisations import ROLE_LABELS, STAFF_ROLES, Role
from mijnportfolio.domain.values import display_name, search_text

from . import orm


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlAlchemyStaffUserQueries:
    """Implements ``StaffUserQueries`` with SQLAlchemy Core on the shared engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def staff_users(self, filters: UserListFilter) -> Page:
        u, o = orm.users.c, orm.organisations.c
        conditions: list[sa.ColumnElement[bool]] = [u.role.in_([r for r in STAFF_ROLES])]
        if filters.role:
            conditions.append(u.role == Role(filters.role))
        if filters.organisation_id is not None:
            conditions.append(u.organisation_id == filters.organisation_id)
        if filters.active is not None:
            conditions.append(u.active == filters.active)
        # Every word must occur in the (accent- and case-folded) name or in the e-mail address.
        for term in (filters.search or "").split():
            pattern = _like_pattern(search_text(term))
            conditions.append(
                sa.or_(
                    u.sort_name.like(pattern, escape="\\"),
                    u.email.like(_like_pattern(term.lower()), escape="\\"),
                )
            )

        key = filters.sort.lstrip("-")
        descending = filters.sort.startswith("-")
        orders: dict[str, list[sa.ColumnElement[Any]]] = {
            "name": [u.sort_name],
            "email": [u.email],
            "role": [u.role, u.sort_name],
            "organisation": [sa.func.coalesce(o.name, ""), u.sort_name],
            "active": [u.active, u.sort_name],
            "last_login": [u.last_login_at, u.sort_name],
        }
        columns = orders.get(key, [u.sort_name])
        # The chosen column decides the direction; ties are broken by name, always ascending.
        order = [columns[0].desc() if descending else columns[0].asc(), *columns[1:], u.id]

        base = sa.select(
            u.id, u.email, u.first_name, u.infix, u.last_name, u.role, u.organisation_id,
            o.name.label("organisation_name"), u.active, u.password_hash.isnot(None).label("has_password"),
            u.last_login_at,
        ).select_from(orm.users.outerjoin(orm.organisations, u.organisation_id == o.id)).where(*conditions)
        count = sa.select(sa.func.count()).select_from(orm.users).where(*conditions)

        per_page = max(1, filters.per_page)
        with self.engine.connect() as conn:
            total = conn.execute(count).scalar_one()
            pages = max(1, -(-total // per_page))
            page = min(max(1, filters.page), pages)
            result = conn.execute(base.order_by(*order).limit(per_page).offset((page - 1) * per_page))
            rows = [
                UserRow(
                    id=r.id,
                    email=r.email,
                    full_name=display_name(r.first_name, r.infix, r.last_name) or r.email,
                    role=Role(r.role).value,
                    role_label=ROLE_LABELS[Role(r.role)],
                    organisation_id=r.organisation_id,
                    organisation_name=r.organisation_name,
                    active=bool(r.active),
                    has_password=bool(r.has_password),
                    last_login_at=r.last_login_at,
                )
                for r in result
            ]
        return Page(rows=rows, total=total, page=page, per_page=per_page)

    def organisations(self, sort: str, page: int, per_page: int) -> Page:
        o, u = orm.organisations.c, orm.users.c
        staff = (
            sa.select(u.organisation_id, sa.func.count().label("n"))
            .where(u.role.in_([r for r in STAFF_ROLES]))
            .group_by(u.organisation_id)
            .subquery()
        )
        user_count = sa.func.coalesce(staff.c.n, 0)
        key = sort.lstrip("-")
        descending = sort.startswith("-")
        orders: dict[str, list[sa.ColumnElement[Any]]] = {
            "name": [sa.func.lower(o.name)],
            "examiners_may_plan": [o.examiners_may_plan, sa.func.lower(o.name)],
            "users": [user_count, sa.func.lower(o.name)],
        }
        columns = orders.get(key, [sa.func.lower(o.name)])
        order = [columns[0].desc() if descending else columns[0].asc(), *columns[1:], o.id]
        per_page = max(1, per_page)
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(orm.organisations)).scalar_one()
            pages = max(1, -(-total // per_page))
            page = min(max(1, page), pages)
            result = conn.execute(
                sa.select(o.id, o.name, o.examiners_may_plan, user_count.label("user_count"))
                .select_from(orm.organisations.outerjoin(staff, staff.c.organisation_id == o.id))
                .order_by(*order)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
            rows = [
                OrganisationRow(
                    id=r.id, name=r.name, examiners_may_plan=bool(r.examiners_may_plan), user_count=int(r.user_count)
                )
                for r in result
            ]
        return Page(rows=rows, total=total, page=page, per_page=per_page)
