"""iCalendar files (RFC 5545) with the ``icalendar`` package: invitations, updates,
cancellations and feeds, in Europe/Amsterdam with its VTIMEZONE, so that every calendar shows
the Dutch local time the planner typed."""

from __future__ import annotations

import datetime as dt
from typing import Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from mijnportfolio.application.ports.examination import CalendarEvent

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//MijnPortfolio//Examenplanning//NL"
METHODS = ("REQUEST", "CANCEL", "PUBLISH")


class IcalendarCalendarWriter:
    """Implements CalendarWriter."""

    def __init__(self, organizer: str = "") -> None:
        self.organizer = organizer

    def write(self, method: str, events: Sequence[CalendarEvent], *, name: str = "") -> bytes:
        if method not in METHODS:
            raise ValueError(f"unknown iCalendar method {method}")
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", method)
        if name:
            calendar.add("x-wr-calname", name)
        years = [e.starts_at.year for e in events] or [dt.date.today().year]
        calendar.add_component(
            Timezone.from_tzinfo(
                AMSTERDAM, tzid="Europe/Amsterdam",
                first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 1, 12, 31),
            )
        )
        for item in events:
            calendar.add_component(self._event(method, item))
        return calendar.to_ical()

    def _event(self, method: str, item: CalendarEvent) -> Event:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", (item.stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc))
        event.add("dtstart", item.starts_at.astimezone(AMSTERDAM))
        event.add("dtend", max(item.ends_at, item.starts_at).astimezone(AMSTERDAM))
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        if self.organizer and method != "PUBLISH":
            event.add("organizer", f"mailto:{self.organizer}")
        return event
