"""Conflicts before they happen: overlapping bookings of an examiner, the student or a location.

A conflict is a warning the planner sees and may accept, never a refusal (product.md 3.2, 8).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import attrs

from .local_time import format_range


@attrs.frozen
class Booking:
    """A planned part somewhere else on the calendar."""

    planning_id: int
    attempt_id: int
    student_id: int
    student_name: str
    exam_code: str
    part_number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str | None
    examiner_ids: frozenset[int]


@attrs.frozen
class Proposal:
    """A part the planner is about to plan."""

    part_number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str | None
    examiner_ids: frozenset[int]
    planning_id: int | None = None  # set when this re-plans an existing planning


@attrs.frozen
class Conflict:
    part_number: int
    message: str


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Two periods overlap when each starts before the other ends (touching is fine). A part
    whose end equals its start still occupies that moment."""
    a_end = max(a_end, a_start + dt.timedelta(minutes=1))
    b_end = max(b_end, b_start + dt.timedelta(minutes=1))
    return a_start < b_end and b_start < a_end


def _same_place(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def find_conflicts(
    proposals: Sequence[Proposal],
    bookings: Iterable[Booking],
    *,
    student_id: int,
    attempt_id: int | None,
    names: dict[int, str],
) -> list[Conflict]:
    """Every overlap of a proposal with a booking of another attempt, in Dutch."""
    found: list[Conflict] = []
    replanned = {p.planning_id for p in proposals if p.planning_id is not None}
    for booking in bookings:
        if booking.planning_id in replanned or (attempt_id is not None and booking.attempt_id == attempt_id):
            continue
        for proposal in proposals:
            if not overlaps(proposal.starts_at, proposal.ends_at, booking.starts_at, booking.ends_at):
                continue
            when = format_range(booking.starts_at, booking.ends_at)
            what = f"{booking.exam_code} onderdeel {booking.part_number} van {booking.student_name} ({when})"
            for examiner_id in sorted(proposal.examiner_ids & booking.examiner_ids):
                found.append(Conflict(proposal.part_number, f"{names.get(examiner_id, 'De examinator')} is dan al ingepland voor {what}."))
            if booking.student_id == student_id:
                found.append(Conflict(proposal.part_number, f"De student heeft dan al {what}."))
            if _same_place(proposal.location, booking.location):
                found.append(Conflict(proposal.part_number, f"De locatie '{booking.location}' is dan al in gebruik voor {what}."))
    return sorted(set(found), key=lambda c: (c.part_number, c.message))
