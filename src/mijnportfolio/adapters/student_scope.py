"""Which students a list may show (product.md section 2) as one SQL condition, shared by every
read model that lists students. Mirrors ``domain.permissions.is_allowed(VIEW_STUDENT)``."""

from __future__ import annotations

import sqlalchemy as sa

from mijnportfolio.domain.permissions import StudentScope

from . import orm

s = orm.students.c


def examiner_of(user_id: int) -> sa.ColumnElement[bool]:
    """The user is examiner 1 or 2 of one of the student's planned parts: that links them."""
    a, p = orm.attempts.c, orm.part_plannings.c
    return sa.exists().where(
        a.student_id == s.id, p.attempt_id == a.id, sa.or_(p.examiner1_id == user_id, p.examiner2_id == user_id)
    )


def scope_clause(scope: StudentScope) -> sa.ColumnElement[bool]:
    if scope.nothing:
        return sa.false()
    conditions: list[sa.ColumnElement[bool]] = []
    if scope.organisation_id is not None:
        conditions.append(s.organisation_id == scope.organisation_id)
    if scope.linked_user_id is not None:
        user_id = scope.linked_user_id
        conditions.append(sa.or_(s.supervisor_id == user_id, s.trainer_id == user_id, examiner_of(user_id)))
    if scope.own_user_id is not None:
        conditions.append(s.user_id == scope.own_user_id)
    return sa.and_(sa.true(), *conditions)
