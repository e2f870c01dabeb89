"""The planning e-mails: one confirmation per person, with the planning as an iCalendar file.

Examiner 1, examiner 2 and the student each get one e-mail per planning action, holding the
parts that concern them. A re-plan sends an update (same UID, higher SEQUENCE); a cancellation
or an examiner taken off a part sends METHOD:CANCEL. Everything is queued in the outbox inside
the planning's own unit of work.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import attrs

from mijnportfolio.domain.catalogue import Exam
from mijnportfolio.domain.examination.local_time import format_range
from mijnportfolio.domain.examination.planning import PartPlanning
from mijnportfolio.domain.mail import Attachment, EmailMessage
from mijnportfolio.domain.organisations import User
from mijnportfolio.domain.students import Student

from ..mail import queue_mail
from ..ports.common import Clock
from ..ports.examination import CalendarEvent, CalendarWriter
from ..ports.unit_of_work import UnitOfWork
from .access import part_label

ICS_TYPE = "text/calendar; charset=utf-8"


@attrs.frozen
class Notice:
    """One planned part to announce: how it is now, and who was on it before (for a re-plan)."""

    planning: PartPlanning
    part_number: int
    part_title: str
    previous_examiners: frozenset[int] = frozenset()


def event(exam: Exam, student: Student, notice: Notice, names: dict[int, str], now: dt.datetime) -> CalendarEvent:
    planning = notice.planning
    examiners = ", ".join(names.get(i, "") for i in (planning.examiner1_id, planning.examiner2_id) if i)
    label = part_label(notice.part_number, notice.part_title)
    return CalendarEvent(
        uid=planning.calendar_uid,
        sequence=planning.calendar_sequence,
        starts_at=planning.starts_at,
        ends_at=planning.ends_at,
        summary=f"Examen {exam.code} {label.lower()} – {student.full_name}",
        description=(
            f"{exam.code} {exam.name}, {label.lower()}\nStudent: {student.full_name} ({student.student_number})\n"
            f"Beoordelaar(s): {examiners}"
        ),
        location=planning.location,
        stamp=now,
    )


def _lines(exam: Exam, notices: Sequence[Notice], names: dict[int, str]) -> str:
    lines = []
    for notice in notices:
        p = notice.planning
        examiners = names.get(p.examiner1_id, "")
        if p.examiner2_id:
            examiners += f" en {names.get(p.examiner2_id, '')}"
        lines.append(
            f"- {part_label(notice.part_number, notice.part_title)}: {format_range(p.starts_at, p.ends_at)}"
            + (f", {p.location}" if p.location else "")
            + f" (beoordelaar: {examiners})"
        )
    return "\n".join(lines)


def queue_planning_notices(
    uow: UnitOfWork,
    clock: Clock,
    calendar: CalendarWriter,
    *,
    exam: Exam,
    student: Student,
    attempt_number: int,
    planned: Sequence[Notice],
    cancelled: Sequence[Notice] = (),
) -> int:
    """Queue the e-mails of one planning action; returns how many were queued."""
    now = clock.now()
    people: set[int] = {student.user.id} if student.user.id is not None else set()
    for notice in [*planned, *cancelled]:
        people |= notice.planning.examiner_ids() | set(notice.previous_examiners)
    users: dict[int, User] = {u.id: u for u in uow.users.list_by_ids(people) if u.id is not None}
    names = {i: u.full_name for i, u in users.items()}
    subject_exam = f"{exam.code} {exam.name}"
    queued = 0

    def send(user: User, requests: list[Notice], cancels: list[Notice]) -> None:
        nonlocal queued
        if not requests and not cancels:
            return
        attachments = []
        if requests:
            data = calendar.write("REQUEST", [event(exam, student, n, names, now) for n in requests], name=subject_exam)
            attachments.append(Attachment("examenplanning.ics", ICS_TYPE, data))
        if cancels:
            data = calendar.write("CANCEL", [_cancelled_event(exam, student, n, names, now) for n in cancels], name=subject_exam)
            attachments.append(Attachment("geannuleerd.ics", ICS_TYPE, data))
        about = "je examen" if user.id == student.user.id else f"het examen van {student.full_name}"
        parts = []
        if requests:
            parts.append(f"De planning van {about} {subject_exam} (poging {attempt_number}) is bevestigd:\n\n{_lines(exam, requests, names)}")
        if cancels:
            parts.append(f"Deze onderdelen van {about} {subject_exam} gaan niet door (voor jou):\n\n{_lines(exam, cancels, names)}")
        body = (
            f"Beste {user.full_name},\n\n" + "\n\n".join(parts) + "\n\n"
            "De tijden zijn Nederlandse tijd. In de bijlage staat de planning voor je agenda.\n"
            "De eindtijd is niet bindend: beoordelen kan ook daarna nog.\n"
        )
        subject = (
            f"Examen ingepland: {subject_exam} voor {student.full_name}" if requests
            else f"Examen geannuleerd: {subject_exam} voor {student.full_name}"
        )
        if user.id == student.user.id:
            subject = f"Je examen {subject_exam} is ingepland" if requests else f"Je examen {subject_exam} is geannuleerd"
        queue_mail(uow, clock, EmailMessage(to=(user.email,), subject=subject, body=body, attachments=tuple(attachments)))
        queued += 1

    for user_id, user in sorted(users.items()):
        if not user.active:
            continue
        if user_id == student.user.id:
            send(user, list(planned), list(cancelled))
            continue
        requests = [n for n in planned if user_id in n.planning.examiner_ids()]
        cancels = [n for n in cancelled if user_id in n.planning.examiner_ids() | set(n.previous_examiners)]
        cancels += [n for n in planned if user_id in n.previous_examiners and user_id not in n.planning.examiner_ids()]
        send(user, requests, cancels)
    return queued


def _cancelled_event(exam: Exam, student: Student, notice: Notice, names: dict[int, str], now: dt.datetime) -> CalendarEvent:
    base = event(exam, student, notice, names, now)
    return attrs.evolve(base, sequence=base.sequence + 1, summary="Geannuleerd: " + base.summary)
