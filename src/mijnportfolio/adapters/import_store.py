"""Bulk reads and writes of the student import (the StudentImportStore port).

Everything runs on the unit of work's own connection, so the import is one transaction with the
wizard's bookkeeping. Lookups go in chunks (SQLite limits bound parameters per statement);
inserts are executemany with RETURNING ("insertmanyvalues"), never one round trip per row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator, Mapping, Sequence, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mijnportfolio.application.ports.imports import (
    ExistingStudent,
    NewStudent,
    StaffRecord,
    StudentUpdate,
)
from mijnportfolio.domain.errors import ConcurrentModification
from mijnportfolio.domain.imports import fold
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.tokens import UserToken

from . import orm

CHUNK = 900
T = TypeVar("T")


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SqlAlchemyStudentImportStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _conn(self) -> sa.Connection:
        return self.session.connection()

    # -- reads ---------------------------------------------------------------------------

    def programmes(self) -> Sequence[tuple[int, str, str]]:
        p = orm.programmes.c
        return [tuple(r) for r in self._conn.execute(sa.select(p.id, p.name, p.crebo))]

    def staff(self, organisation_id: int) -> Sequence[StaffRecord]:
        u = orm.users.c
        rows = self._conn.execute(
            sa.select(u.id, u.email, u.first_name, u.infix, u.last_name, u.role).where(
                u.organisation_id == organisation_id,
                u.active.is_(True),
                u.role.in_([Role.SUPERVISOR, Role.TRAINER]),
            )
        )
        return [
            StaffRecord(r.id, r.email, r.first_name, r.infix, r.last_name, Role(r.role).value) for r in rows
        ]

    def groups(self, organisation_id: int) -> Sequence[tuple[int, str]]:
        g = orm.participant_groups.c
        return [tuple(r) for r in self._conn.execute(sa.select(g.id, g.name).where(g.organisation_id == organisation_id))]

    def existing_students(self, organisation_id: int, numbers: Iterable[str]) -> dict[str, ExistingStudent]:
        s, u = orm.students.c, orm.users.c
        wanted = sorted(set(numbers))
        found: dict[str, ExistingStudent] = {}
        for chunk in _chunks(wanted):
            rows = self._conn.execute(
                sa.select(
                    s.id, s.user_id, s.student_number, s.trainer_id, s.cohort,
                    u.email, u.first_name, u.infix, u.last_name,
                )
                .join_from(orm.students, orm.users, s.user_id == u.id)
                .where(s.organisation_id == organisation_id, s.student_number.in_(chunk))
            )
            for r in rows:
                found[r.student_number] = ExistingStudent(
                    student_id=r.id, user_id=r.user_id, email=r.email, first_name=r.first_name,
                    infix=r.infix, last_name=r.last_name, trainer_id=r.trainer_id, cohort=r.cohort,
                )
        return found

    def user_ids_by_email(self, emails: Iterable[str]) -> dict[str, int]:
        u = orm.users.c
        wanted = sorted({e.strip().lower() for e in emails if e})
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            for r in self._conn.execute(sa.select(u.id, u.email).where(u.email.in_(chunk))):
                found[r.email] = r.id
        return found

    # -- writes --------------------------------------------------------------------------

    def _execute(self, statement: sa.Executable, params: Sequence[Mapping[str, Any]]) -> sa.CursorResult[Any]:
        try:
            return self._conn.execute(statement, params)
        except sa.exc.IntegrityError as exc:
            # Someone else stored the same student number, e-mail or group in the meantime.
            raise ConcurrentModification(
                "Tijdens het importeren is een deel van deze gegevens door iemand anders opgeslagen. "
                "Er is niets geïmporteerd; bekijk het overzicht opnieuw."
            ) from exc

    def create_groups(self, organisation_id: int, names: Sequence[str]) -> dict[str, int]:
        g = orm.participant_groups
        if not names:
            return {}
        self._execute(sa.insert(g), [{"organisation_id": organisation_id, "name": n, "version": 1} for n in names])
        wanted = set(names)
        return {
            fold(r.name): r.id
            for r in self._conn.execute(sa.select(g.c.id, g.c.name).where(g.c.organisation_id == organisation_id))
            if r.name in wanted
        }

    def insert_students(self, organisation_id: int, rows: Sequence[NewStudent], now: dt.datetime) -> list[tuple[int, int]]:
        if not rows:
            return []
        # Plain executemany, then the new ids by their unique keys: ordered RETURNING makes
        # SQLite fall back to one statement per row.
        self._execute(
            sa.insert(orm.users),
            [
                {
                    "email": row.email, "role": Role.STUDENT, "first_name": row.first_name, "infix": row.infix,
                    "last_name": row.last_name, "sort_name": row.sort_name, "organisation_id": organisation_id,
                    "password_hash": None, "active": True, "language": "nl", "created_at": now, "version": 1,
                }
                for row in rows
            ],
        )
        by_email = self.user_ids_by_email([row.email for row in rows])
        user_ids = [by_email[row.email] for row in rows]
        self._execute(
            sa.insert(orm.students),
            [
                {
                    "organisation_id": organisation_id, "user_id": user_id, "student_number": row.student_number,
                    "programme_id": row.programme_id, "supervisor_id": row.supervisor_id,
                    "trainer_id": row.trainer_id, "cohort": row.cohort, "active": True, "version": 1,
                }
                for row, user_id in zip(rows, user_ids)
            ],
        )
        s = orm.students.c
        by_number: dict[str, int] = {}
        for chunk in _chunks(sorted({row.student_number for row in rows})):
            for r in self._conn.execute(
                sa.select(s.id, s.student_number).where(s.organisation_id == organisation_id, s.student_number.in_(chunk))
            ):
                by_number[r.student_number] = r.id
        student_ids = [by_number[row.student_number] for row in rows]
        return list(zip(student_ids, user_ids))

    def update_students(self, rows: Sequence[StudentUpdate]) -> None:
        if not rows:
            return
        u, s = orm.users, orm.students
        self._execute(
            sa.update(u)
            .where(u.c.id == sa.bindparam("b_id"))
            .values(
                email=sa.bindparam("b_email"), first_name=sa.bindparam("b_first"), infix=sa.bindparam("b_infix"),
                last_name=sa.bindparam("b_last"), sort_name=sa.bindparam("b_sort"), version=u.c.version + 1,
            ),
            [
                {"b_id": r.user_id, "b_email": r.email, "b_first": r.first_name, "b_infix": r.infix,
                 "b_last": r.last_name, "b_sort": r.sort_name}
                for r in rows
            ],
        )
        self._execute(
            sa.update(s)
            .where(s.c.id == sa.bindparam("b_id"))
            .values(
                programme_id=sa.bindparam("b_programme"), supervisor_id=sa.bindparam("b_supervisor"),
                trainer_id=sa.bindparam("b_trainer"), cohort=sa.bindparam("b_cohort"), version=s.c.version + 1,
            ),
            [
                {"b_id": r.student_id, "b_programme": r.programme_id, "b_supervisor": r.supervisor_id,
                 "b_trainer": r.trainer_id, "b_cohort": r.cohort}
                for r in rows
            ],
        )

    def add_memberships(self, pairs: Iterable[tuple[int, int]]) -> None:
        wanted = set(pairs)
        if not wanted:
            return
        sg = orm.student_groups.c
        student_ids = sorted({s for s, _ in wanted})
        for chunk in _chunks(student_ids):
            for r in self._conn.execute(sa.select(sg.student_id, sg.group_id).where(sg.student_id.in_(chunk))):
                wanted.discard((r.student_id, r.group_id))
        if wanted:
            self._execute(
                sa.insert(orm.student_groups),
                [{"student_id": s, "group_id": g} for s, g in sorted(wanted)],
            )

    def add_invitations(self, tokens: Sequence[UserToken], messages: Sequence[OutboxMessage]) -> None:
        if tokens:
            self._execute(
                sa.insert(orm.user_tokens),
                [
                    {"user_id": t.user_id, "purpose": t.purpose, "token_hash": t.token_hash,
                     "created_at": t.created_at, "expires_at": t.expires_at, "used_at": None}
                    for t in tokens
                ],
            )
        if messages:
            self._execute(
                sa.insert(orm.outbox),
                [
                    {"recipients": m.recipients, "subject": m.subject, "body": m.body, "attachments": [],
                     "created_at": m.created_at, "attempts": 0, "next_attempt_at": None,
                     "last_error": None, "sent_at": None}
                    for m in messages
                ],
            )
