"""Looking along with a student ("Log in als deze student", manual 3.1).

A linked staff member or an admin sees the student's own view, read-only, for at most
``LOOK_ALONG_MINUTES``; every session is recorded with who looked, at whom, and when.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from .errors import DomainError, PermissionDenied

LOOK_ALONG_MINUTES = 30
LOOK_ALONG_DURATION = dt.timedelta(minutes=LOOK_ALONG_MINUTES)


class EndReason(str, enum.Enum):
    """How a session of looking along ended."""

    STOPPED = "stopped"  # 'Stoppen met meekijken'
    EXPIRED = "expired"  # the 30 minutes were over
    LOGGED_OUT = "logged_out"

    @property
    def label(self) -> str:
        return {
            EndReason.STOPPED: "Gestopt",
            EndReason.EXPIRED: f"Na {LOOK_ALONG_MINUTES} minuten vanzelf gestopt",
            EndReason.LOGGED_OUT: "Uitgelogd",
        }[self]


class AlreadyLookingAlong(DomainError):
    """Looking along does not nest: one student at a time, and never from within a student's view."""

    default_message = (
        "Je kijkt al mee met een student. Stop eerst met meekijken voordat je met een andere student meekijkt."
    )


class ReadOnlyWhileLookingAlong(PermissionDenied):
    """Whoever looks along only looks: nothing is changed or sent in the student's name."""

    default_message = (
        "Je kijkt mee met een student: tijdens het meekijken kun je niets wijzigen of versturen. "
        "Stop eerst met meekijken."
    )


class LookAlongEnded(DomainError):
    """The session of looking along is over (stopped elsewhere, or its time ran out)."""

    default_message = "Het meekijken is gestopt."


@attrs.define(slots=False, eq=False)
class ImpersonationSession:
    """One recorded session of looking along: ``staff_user_id`` looked at ``student_id``."""

    staff_user_id: int
    student_id: int
    started_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None
    end_reason: EndReason | None = None
    id: int | None = None

    @classmethod
    def begin(cls, staff_user_id: int, student_id: int, now: dt.datetime) -> "ImpersonationSession":
        return cls(
            staff_user_id=staff_user_id, student_id=student_id, started_at=now, expires_at=now + LOOK_ALONG_DURATION
        )

    def is_active(self, now: dt.datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def end(self, now: dt.datetime, reason: EndReason) -> None:
        """End the session (again: nothing changes). A session whose time ran out before it was
        stopped ended at its expiry, whatever the reason it is noticed now."""
        if self.ended_at is not None:
            return
        if now >= self.expires_at:
            self.ended_at, self.end_reason = self.expires_at, EndReason.EXPIRED
        else:
            self.ended_at, self.end_reason = now, reason

    def effective_end(self, now: dt.datetime) -> tuple[dt.datetime | None, EndReason | None]:
        """When and how it ended as far as anyone can tell now: a session left open (a closed
        browser) ended when its time ran out; (None, None) while it still runs."""
        return ended(self.ended_at, self.end_reason, self.expires_at, now)


def ended(
    ended_at: dt.datetime | None, end_reason: EndReason | None, expires_at: dt.datetime, now: dt.datetime
) -> tuple[dt.datetime | None, EndReason | None]:
    """The end of a session from its stored facts (for the log, which reads plain rows)."""
    if ended_at is not None:
        return ended_at, end_reason
    if now >= expires_at:
        return expires_at, EndReason.EXPIRED
    return None, None
