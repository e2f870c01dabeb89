"""Single-use links sent by e-mail: password reset and invitation."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from .errors import TokenInvalid


class TokenPurpose(str, enum.Enum):
    PASSWORD_RESET = "password_reset"
    INVITATION = "invitation"


LIFETIMES = {
    TokenPurpose.PASSWORD_RESET: dt.timedelta(hours=1),
    TokenPurpose.INVITATION: dt.timedelta(days=14),
}


@attrs.define(slots=False, eq=False)
class UserToken:
    """Only the hash of the token is stored; the link in the e-mail carries the token itself."""

    user_id: int
    purpose: TokenPurpose
    token_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    id: int | None = None

    def use(self, now: dt.datetime) -> None:
        if self.used_at is not None or now >= self.expires_at:
            raise TokenInvalid()
        self.used_at = now


@attrs.define(slots=False, eq=False)
class CalendarFeed:
    """A private iCalendar feed of one user's own planning; only the token's hash is stored.

    A user has at most one: renewing replaces it, so the old address stops working."""

    user_id: int
    token_hash: str
    created_at: dt.datetime
