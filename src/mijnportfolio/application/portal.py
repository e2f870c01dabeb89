"""The student portal (manual 3, product.md 5): a student's own portfolio with the tabs
'Overzicht', 'Student', 'Instrumenten' and 'Mijn berichten', as the student sees it and as a
linked staff member sees it while looking along (read-only, without the messages).

The exams come from the examination context's use cases (``student_exams``, ``result_page``);
this module only arranges them the way a student reads them: done, planned, still to be planned.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from mijnportfolio.domain.errors import NotFound, PermissionDenied
from mijnportfolio.domain.examination.status import CellStatus
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor

from .examination.attempts import AttemptView, ExamAttempts, student_exams
from .examination.results import ResultPage, result_page
from .impersonation import LookAlong, require_looking_at
from .ports.common import Clock
from .ports.unit_of_work import UnitOfWork, saved_id


class Tab(str, enum.Enum):
    """The tabs of the portal, by their URL value (?tab=...)."""

    OVERVIEW = "overzicht"
    STUDENT = "student"
    INSTRUMENTS = "instrumenten"
    MESSAGES = "berichten"

    @property
    def label(self) -> str:
        return {
            Tab.OVERVIEW: "Overzicht",
            Tab.STUDENT: "Student",
            Tab.INSTRUMENTS: "Instrumenten",
            Tab.MESSAGES: "Mijn berichten",
        }[self]


def tabs(looking_along: bool) -> tuple[Tab, ...]:
    """The tabs shown: a student's messages stay private, so not while someone looks along."""
    if looking_along:
        return (Tab.OVERVIEW, Tab.STUDENT, Tab.INSTRUMENTS)
    return (Tab.OVERVIEW, Tab.STUDENT, Tab.INSTRUMENTS, Tab.MESSAGES)


def choose_tab(value: str | None, looking_along: bool) -> Tab:
    """The tab asked for, or 'Overzicht' for anything unknown or not shown."""
    shown = tabs(looking_along)
    return next((t for t in shown if t.value == (value or "").strip().lower()), Tab.OVERVIEW)


def portal_student_id(uow: UnitOfWork, actor: Actor, look_along: LookAlong | None) -> int:
    """Whose portal this request shows: the student's own, or the student looked along with
    (checked against the policy again on every request)."""
    if look_along is not None:
        if look_along.staff_user_id != actor.user_id:
            raise PermissionDenied()
        return require_looking_at(uow, actor, look_along)
    if actor.role is not Role.STUDENT:
        raise PermissionDenied("Deze pagina is het portfolio van een student.")
    with uow:
        student = uow.students.get_by_user_id(actor.user_id)
        if student is None:
            raise NotFound("Er is geen portfolio aan je account gekoppeld.")
        return saved_id(student.id)


class Stage(str, enum.Enum):
    """Where an exam stands for the student (the sections of 'Instrumenten')."""

    DONE = "done"
    PLANNED = "planned"
    TO_PLAN = "to_plan"

    @property
    def label(self) -> str:
        return {Stage.DONE: "Afgerond", Stage.PLANNED: "Gepland", Stage.TO_PLAN: "Nog in te plannen"}[self]


_DONE = (CellStatus.PASSED, CellStatus.FAILED)


@attrs.frozen
class InstrumentAttempt:
    """One attempt with its parts and, once every part is final, its result."""

    attempt: AttemptView
    result: ResultPage | None

    @property
    def number(self) -> int:
        return self.attempt.number


@attrs.frozen
class Instrument:
    """One exam of the student's programme with every attempt, newest first."""

    exam: ExamAttempts
    attempts: tuple[InstrumentAttempt, ...]

    @property
    def stage(self) -> Stage:
        if self.exam.status in _DONE:
            return Stage.DONE
        if self.exam.status is CellStatus.NOT_PLANNED:
            return Stage.TO_PLAN
        return Stage.PLANNED

    @property
    def next_planned(self) -> dt.datetime | None:
        latest = self.attempts[0].attempt if self.attempts else None
        starts = [p.starts_at for p in latest.parts if p.starts_at] if latest else []
        return min(starts) if starts else None


@attrs.frozen
class Instruments:
    student_id: int
    student_name: str
    items: tuple[Instrument, ...]

    def in_stage(self, stage: Stage) -> tuple[Instrument, ...]:
        return tuple(i for i in self.items if i.stage is stage)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(Stage)


def instruments(uow: UnitOfWork, actor: Actor, clock: Clock, student_id: int) -> Instruments:
    """Every exam of the student's programme: done (with grades per core task and the reason of
    the outcome), planned (date, location, examiners), or still to be planned; with attempts."""
    exams = student_exams(uow, actor, clock, student_id)
    items = []
    for exam in exams.exams:
        attempts = tuple(
            InstrumentAttempt(
                attempt=attempt,
                result=result_page(uow, actor, clock, attempt.id) if attempt.status in _DONE else None,
            )
            for attempt in exam.attempts
        )
        items.append(Instrument(exam=exam, attempts=attempts))
    return Instruments(student_id=exams.student_id, student_name=exams.student_name, items=tuple(items))
