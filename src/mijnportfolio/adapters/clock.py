"""Clocks: the real one and one that tests set."""

from __future__ import annotations

import datetime as dt


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class FixedClock:
    """A clock that stands still until told otherwise (tests, demos)."""

    def __init__(self, moment: dt.datetime | None = None) -> None:
        self.moment = moment or dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)

    def now(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment = self.moment + dt.timedelta(**delta)
