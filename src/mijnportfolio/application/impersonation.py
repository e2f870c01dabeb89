"""Looking along with a student ("Log in als deze student", manual 3.1, product.md 5).

A linked supervisor or trainer, or an admin, sees the student's own portfolio read-only. The
state of looking along is a small ``LookAlong`` value the web layer keeps in its session; the
record of every session is stored, so that admins can see who looked at whom and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import attrs

from mijnportfolio.domain.errors import NotFound, PermissionDenied
from mijnportfolio.domain.impersonation import (
    AlreadyLookingAlong,
    EndReason,
    ImpersonationSession,
    LookAlongEnded,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.students import Student

from .ports.common import Clock
from .ports.portal import ImpersonationLogPage
from .ports.unit_of_work import UnitOfWork, saved_id
from .students import NOT_VISIBLE, linked_facts

LOG_PAGE_SIZE = 50
INACTIVE = "Deze student is gedeactiveerd; meekijken kan alleen met een actieve student."


@attrs.frozen
class LookAlong:
    """Who is being looked at, in which recorded session, until when (kept in the web session)."""

    record_id: int
    staff_user_id: int
    student_id: int
    student_name: str
    started_at: dt.datetime
    expires_at: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at

    def to_session(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id, "staff_user_id": self.staff_user_id, "student_id": self.student_id,
            "student_name": self.student_name, "started_at": self.started_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_session(cls, value: object) -> "LookAlong | None":
        """The state back from the session; None for anything that is not one (never raises)."""
        if not isinstance(value, Mapping):
            return None
        try:
            started = dt.datetime.fromisoformat(str(value["started_at"]))
            expires = dt.datetime.fromisoformat(str(value["expires_at"]))
            if started.tzinfo is None or expires.tzinfo is None:
                return None
            return cls(
                record_id=int(value["record_id"]), staff_user_id=int(value["staff_user_id"]),
                student_id=int(value["student_id"]), student_name=str(value["student_name"]),
                started_at=started, expires_at=expires,
            )
        except (KeyError, TypeError, ValueError):
            return None


@attrs.frozen
class LookAlongCandidate:
    """The confirmation page before looking along: whom, and what it means."""

    student_id: int
    student_name: str
    student_number: str


def _student_to_look_at(uow: UnitOfWork, actor: Actor, student_id: int) -> Student:
    """The student, when ``actor`` may look along with them: NotFound for a student they may not
    see, PermissionDenied for one they see but may not look at (an examiner, the student)."""
    student = uow.students.get(student_id)
    if student is None:
        raise NotFound(NOT_VISIBLE)
    if actor.role is Role.STUDENT:
        # A student never looks along, not even with themselves (their own view is their own).
        if student.user.id != actor.user_id:
            raise NotFound(NOT_VISIBLE)
        raise PermissionDenied("Alleen begeleiders en beheerders kunnen met een student meekijken.")
    require(actor, Permission.IMPERSONATE_STUDENT, student=linked_facts(uow, student))
    if not student.active:
        raise PermissionDenied(INACTIVE)
    return student


def look_along_candidate(
    uow: UnitOfWork, actor: Actor, student_id: int, current: LookAlong | None
) -> LookAlongCandidate:
    """What the confirmation page shows; refuses as starting would."""
    if current is not None:
        raise AlreadyLookingAlong()
    with uow:
        student = _student_to_look_at(uow, actor, student_id)
        return LookAlongCandidate(
            student_id=saved_id(student.id), student_name=student.full_name, student_number=student.student_number
        )


def start_looking_along(
    uow: UnitOfWork, actor: Actor, clock: Clock, student_id: int, current: LookAlong | None
) -> LookAlong:
    """Start looking along with a student and record it. Does not nest: while looking along
    (``current``) nothing else can be started."""
    if current is not None:
        raise AlreadyLookingAlong()
    with uow:
        student = _student_to_look_at(uow, actor, student_id)
        record = ImpersonationSession.begin(actor.user_id, saved_id(student.id), clock.now())
        uow.impersonations.add(record)
        uow.commit()
        return LookAlong(
            record_id=saved_id(record.id), staff_user_id=actor.user_id, student_id=saved_id(student.id),
            student_name=student.full_name, started_at=record.started_at, expires_at=record.expires_at,
        )


def still_looking_along(uow: UnitOfWork, actor: Actor, clock: Clock, state: LookAlong) -> LookAlong:
    """Check a session at the start of a request. Raises LookAlongEnded once it is over (its
    time ran out, it was stopped elsewhere, or it is not this user's), recording the end."""
    now = clock.now()
    with uow:
        record = uow.impersonations.get(state.record_id)
        if record is None or record.staff_user_id != actor.user_id or record.student_id != state.student_id:
            raise LookAlongEnded()
        if not record.is_active(now):
            if record.ended_at is None:
                record.end(now, EndReason.EXPIRED)
                uow.commit()
            raise LookAlongEnded(
                f"Het meekijken met {state.student_name} is na {_minutes(record)} minuten vanzelf gestopt."
                if record.end_reason is EndReason.EXPIRED
                else f"Het meekijken met {state.student_name} is gestopt."
            )
        return state


def _minutes(record: ImpersonationSession) -> int:
    return int((record.expires_at - record.started_at).total_seconds() // 60)


def stop_looking_along(
    uow: UnitOfWork, actor: Actor, clock: Clock, state: LookAlong, reason: EndReason = EndReason.STOPPED
) -> int:
    """End the session and record its end; returns the student's id (to go back to them)."""
    with uow:
        record = uow.impersonations.get(state.record_id)
        if record is not None and record.staff_user_id == actor.user_id:
            record.end(clock.now(), reason)
            uow.commit()
        return state.student_id


def require_looking_at(uow: UnitOfWork, actor: Actor, state: LookAlong) -> int:
    """The student of the session, checked again against the policy (a link removed since the
    start ends what the staff member may see)."""
    with uow:
        student = _student_to_look_at(uow, actor, state.student_id)
        return saved_id(student.id)


def impersonation_log(
    uow: UnitOfWork, actor: Actor, q: str | None = None, page: int = 1, per_page: int = LOG_PAGE_SIZE
) -> ImpersonationLogPage:
    """Every recorded session, newest first (admins only)."""
    require(actor, Permission.VIEW_IMPERSONATION_LOG)
    with uow:
        return uow.impersonations.log_page((q or "").strip()[:200] or None, max(1, page), max(1, min(200, per_page)))
