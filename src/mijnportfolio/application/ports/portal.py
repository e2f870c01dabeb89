"""Ports of the student portal: the record of looking along, and the staff's own contact details."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from mijnportfolio.domain.account import StaffContact
from mijnportfolio.domain.impersonation import EndReason, ImpersonationSession


@attrs.frozen
class ImpersonationLogRow:
    """One recorded session of looking along, as the admins' log shows it."""

    id: int
    staff_name: str
    staff_email: str
    staff_role: str  # Role value
    student_id: int
    student_name: str
    student_number: str
    started_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: EndReason | None


@attrs.frozen
class ImpersonationLogPage:
    rows: tuple[ImpersonationLogRow, ...]
    total: int
    page: int
    pages: int


class ImpersonationSessionRepository(Protocol):
    """Every session of looking along ("Log in als deze student"), kept for the admins."""

    def add(self, record: ImpersonationSession) -> None: ...

    def get(self, record_id: int) -> ImpersonationSession | None: ...

    def log_page(self, q: str | None, page: int, per_page: int) -> ImpersonationLogPage:
        """The newest sessions first, optionally only those whose staff member or student matches
        ``q`` (name, e-mail, student number), in a fixed number of statements."""
        ...


class StaffContactRepository(Protocol):
    """A staff member's contact details beyond their name, by user id."""

    def add(self, contact: StaffContact) -> None: ...

    def get(self, user_id: int) -> StaffContact | None: ...


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))

