"""Read model of the message screens (SQLAlchemy Core): the inbox, the sent messages, the counts
for 'Mijn berichten' and the people one might write to.

Every method runs a fixed number of statements, whatever the number of messages or users: a
page is a count and a page query (plus one for the recipients' names of the sent messages on
that page); the people are one query for the users and one for the examiners of the students
among them.
"""

from __future__ import annotations

from typing import Any, Sequence

import sqlalchemy as sa

from mijnportfolio.application.ports.messages import (
    InboxPage,
    InboxRow,
    MessageCounts,
    SentPage,
    SentRow,
)
from mijnportfolio.application.ports.students import Option
from mijnportfolio.domain.messages import Correspondent
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import StudentFacts, StudentScope
from mijnportfolio.domain.values import display_name

from . import orm
from .student_scope import scope_clause

m = orm.messages.c
mr = orm.message_recipients.c
u = orm.users.c
s = orm.students.c
g = orm.participant_groups.c
o = orm.organisations.c

#: Names shown per sent message in the list ("Bas de Begeleider, Eva van Examinator en 3 anderen").
NAMES_SHOWN = 3
_CHUNK = 900  # SQLite limits the number of bound parameters in one statement


def _name(first: str | None, infix: str | None, last: str | None, email: str) -> str:
    return display_name(first, infix, last) or email


def load_correspondents(connection: Any, condition: sa.ColumnElement[bool]) -> list[Correspondent]:
    """The users matching ``condition`` (on users and their optional student record), by name,
    with a student's facts: two statements."""
    rows = connection.execute(
        sa.select(
            u.id, u.role, u.organisation_id, u.first_name, u.infix, u.last_name, u.email, u.active,
            s.id.label("student_id"), s.organisation_id.label("student_organisation_id"), s.supervisor_id,
            s.trainer_id,
        )
        .select_from(orm.users.outerjoin(orm.students, s.user_id == u.id))
        .where(condition)
        .order_by(u.sort_name, u.id)
    ).all()
    student_ids = [r.student_id for r in rows if r.student_id is not None]
    examiners = examiners_of(connection, student_ids)
    return [
        Correspondent(
            user_id=r.id,
            role=Role(r.role),
            organisation_id=r.organisation_id,
            name=_name(r.first_name, r.infix, r.last_name, r.email),
            email=r.email,
            active=bool(r.active),
            student=StudentFacts(
                organisation_id=r.student_organisation_id, user_id=r.id, supervisor_id=r.supervisor_id,
                trainer_id=r.trainer_id, examiner_ids=frozenset(examiners.get(r.student_id, ())),
            ) if r.student_id is not None else None,
        )
        for r in rows
    ]


def examiners_of(connection: Any, student_ids: Sequence[int]) -> dict[int, set[int]]:
    """Examiners 1 and 2 of the planned parts of each student (they are linked to the student)."""
    a, p = orm.attempts.c, orm.part_plannings.c
    found: dict[int, set[int]] = {}
    if not student_ids:
        return found
    query = sa.select(a.student_id, p.examiner1_id, p.examiner2_id).select_from(
        orm.part_plannings.join(orm.attempts, a.id == p.attempt_id)
    )
    if len(student_ids) <= _CHUNK:
        query = query.where(a.student_id.in_(list(student_ids)))
    # Beyond a chunk (an admin's list of everyone) one statement over all plannings is cheaper
    # than many; the dictionary keeps what is asked for.
    wanted = set(student_ids)
    for row in connection.execute(query):
        if row.student_id in wanted:
            found.setdefault(row.student_id, set()).update(i for i in (row.examiner1_id, row.examiner2_id) if i)
    return found


def counts_of(connection: Any, user_id: int) -> MessageCounts:
    row = connection.execute(
        sa.select(
            sa.func.count().label("total"),
            sa.func.count().filter(mr.read_at.is_(None)).label("new"),
        ).where(mr.user_id == user_id)
    ).one()
    return MessageCounts(new=row.new or 0, total=row.total or 0)


def group_member_user_ids(connection: Any, group_id: int) -> list[int]:
    sg = orm.student_groups.c
    return list(
        connection.execute(
            sa.select(s.user_id)
            .select_from(orm.student_groups.join(orm.students, s.id == sg.student_id))
            .where(sg.group_id == group_id, s.active.is_(True))
            .order_by(s.user_id)
        ).scalars()
    )


class SqlAlchemyMessageQuery:
    """Implements MessageQuery."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def counts(self, user_id: int) -> MessageCounts:
        with self.engine.connect() as conn:
            return counts_of(conn, user_id)

    def inbox(self, user_id: int, page: int, per_page: int) -> InboxPage:
        sender = orm.users.alias("sender")
        others = orm.message_recipients.alias("others")
        recipient_count = (
            sa.select(sa.func.count()).select_from(others).where(others.c.message_id == m.id).scalar_subquery()
        )
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).where(mr.user_id == user_id)).scalar() or 0
            rows = conn.execute(
                sa.select(
                    m.id, m.subject, m.sent_at, mr.read_at, sender.c.first_name, sender.c.infix,
                    sender.c.last_name, sender.c.email, recipient_count.label("recipient_count"),
                )
                .select_from(
                    orm.message_recipients.join(orm.messages, m.id == mr.message_id)
                    .join(sender, sender.c.id == m.sender_id)
                )
                .where(mr.user_id == user_id)
                .order_by(m.sent_at.desc(), m.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).all()
        return InboxPage(
            rows=tuple(
                InboxRow(
                    message_id=r.id, subject=r.subject,
                    sender_name=_name(r.first_name, r.infix, r.last_name, r.email),
                    sent_at=r.sent_at, read_at=r.read_at, recipient_count=r.recipient_count,
                )
                for r in rows
            ),
            total=total, page=page, per_page=per_page,
        )

    def sent(self, user_id: int, page: int, per_page: int) -> SentPage:
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).where(m.sender_id == user_id)).scalar() or 0
            rows = conn.execute(
                sa.select(
                    m.id, m.subject, m.sent_at,
                    sa.func.count(mr.id).label("recipient_count"),
                    sa.func.count(mr.read_at).label("read_count"),
                )
                .select_from(orm.messages.outerjoin(orm.message_recipients, mr.message_id == m.id))
                .where(m.sender_id == user_id)
                .group_by(m.id, m.subject, m.sent_at)
                .order_by(m.sent_at.desc(), m.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).all()
            names: dict[int, list[str]] = {}
            ids = [r.id for r in rows]
            if ids:
                for r in conn.execute(
                    sa.select(mr.message_id, u.first_name, u.infix, u.last_name, u.email)
                    .select_from(orm.message_recipients.join(orm.users, u.id == mr.user_id))
                    .where(mr.message_id.in_(ids))
                    .order_by(mr.message_id, mr.id)
                ):
                    shown = names.setdefault(r.message_id, [])
                    if len(shown) < NAMES_SHOWN:
                        shown.append(_name(r.first_name, r.infix, r.last_name, r.email))
        return SentPage(
            rows=tuple(
                SentRow(
                    message_id=r.id, subject=r.subject, sent_at=r.sent_at,
                    recipient_names=tuple(names.get(r.id, [])), recipient_count=r.recipient_count,
                    read_count=r.read_count,
                )
                for r in rows
            ),
            total=total, page=page, per_page=per_page,
        )

    def candidates(
        self, organisation_id: int | None, *, include_students: bool, students_linked_to: int | None
    ) -> Sequence[Correspondent]:
        conditions: list[sa.ColumnElement[bool]] = [u.active.is_(True)]
        if organisation_id is not None:
            conditions.append(u.organisation_id == organisation_id)
        staff = u.role != Role.STUDENT
        if not include_students:
            student_condition: sa.ColumnElement[bool] = sa.false()
        elif students_linked_to is not None:
            student_condition = sa.and_(
                u.role == Role.STUDENT, s.active.is_(True),
                scope_clause(StudentScope(organisation_id=organisation_id, linked_user_id=students_linked_to)),
            )
        else:
            student_condition = sa.and_(u.role == Role.STUDENT, s.active.is_(True))
        with self.engine.connect() as conn:
            return load_correspondents(conn, sa.and_(*conditions, sa.or_(staff, student_condition)))

    def student_facts(self, user_id: int) -> StudentFacts | None:
        with self.engine.connect() as conn:
            found = load_correspondents(conn, sa.and_(u.id == user_id, s.id.is_not(None)))
        return found[0].student if found else None

    def groups(self, organisation_id: int | None) -> Sequence[Option]:
        query = (
            sa.select(g.id, g.name, o.name.label("organisation_name"))
            .select_from(orm.participant_groups.join(orm.organisations, o.id == g.organisation_id))
            .order_by(g.name, o.name, g.id)
        )
        if organisation_id is not None:
            query = query.where(g.organisation_id == organisation_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        several = len({r.organisation_name for r in rows}) > 1
        return [Option(r.id, f"{r.name} ({r.organisation_name})" if several else r.name) for r in rows]
