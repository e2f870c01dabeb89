"""Everyone's own planning as an iCalendar feed under a private token URL (product.md 8).

Only the token's hash is stored. Renewing gives a new URL; the old one stops working at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from mijnportfolio.domain.errors import NotFound
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.tokens import CalendarFeed

from ..ports.common import Clock
from ..ports.examination import CalendarEvent, CalendarWriter, DashboardQuery
from ..ports.unit_of_work import UnitOfWork
from .access import part_label

FEED_HISTORY = dt.timedelta(days=180)
FEED_NOT_FOUND = "Deze agenda-link bestaat niet (meer). Maak in MijnPortfolio een nieuwe link."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_feed(uow: UnitOfWork, actor: Actor) -> bool:
    with uow:
        return uow.calendar_feeds.get(actor.user_id) is not None


def renew_feed(uow: UnitOfWork, actor: Actor, clock: Clock) -> str:
    """A new private token for the actor's feed (the previous one, if any, stops working)."""
    token = secrets.token_urlsafe(24)
    with uow:
        old = uow.calendar_feeds.get(actor.user_id)
        if old is not None:
            uow.calendar_feeds.delete(old)
            uow.flush()
        uow.calendar_feeds.add(CalendarFeed(user_id=actor.user_id, token_hash=_hash(token), created_at=clock.now()))
        uow.commit()
    return token


def stop_feed(uow: UnitOfWork, actor: Actor) -> None:
    with uow:
        old = uow.calendar_feeds.get(actor.user_id)
        if old is not None:
            uow.calendar_feeds.delete(old)
            uow.commit()


def feed(uow: UnitOfWork, query: DashboardQuery, clock: Clock, calendar: CalendarWriter, token: str) -> bytes:
    """The iCalendar file behind a feed URL: the user's planned parts of the last half year and after."""
    with uow:
        found = uow.calendar_feeds.get_by_hash(_hash(token or ""))
        if found is None:
            raise NotFound(FEED_NOT_FOUND)
        user = uow.users.get(found.user_id)
        if user is None or not user.active:
            raise NotFound(FEED_NOT_FOUND)
        user_id = found.user_id
    now = clock.now()
    events = [
        CalendarEvent(
            uid=p.calendar_uid,
            sequence=p.calendar_sequence,
            starts_at=p.starts_at,
            ends_at=max(p.ends_at, p.starts_at),
            summary=f"Examen {p.exam_code} {part_label(p.part_number, p.part_title).lower()} – {p.student_name}",
            description=f"{p.exam_code} {p.exam_name}\nStudent: {p.student_name} ({p.student_number})\n"
            f"Beoordelaar(s): {p.examiner1_name}" + (f", {p.examiner2_name}" if p.examiner2_name else ""),
            location=p.location,
            stamp=now,
        )
        for p in query.parts_of_user(user_id, now - FEED_HISTORY)
    ]
    return calendar.write("PUBLISH", events, name="MijnPortfolio examenplanning")
