"""A student's exams and attempts as plain data: the attempt page (the loepje in a cell) and the
exams part of the portfolio (every exam of the programme, every attempt with its parts)."""

from __future__ import annotations

import datetime as dt

import attrs

from mijnportfolio.domain.catalogue import Exam
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.examination.status import CellStatus, cell_status
from mijnportfolio.domain.permissions import Actor

from ..ports.common import Clock
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import (
    StudentContext,
    attempt_in_view,
    may_plan,
    part_label,
    student_context,
)


@attrs.frozen
class PartView:
    part_id: int
    number: int
    label: str
    planning_id: int | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    location: str | None
    examiner1: str | None
    examiner2: str | None
    examiner2_may_submit: bool
    started: bool
    final: bool
    assessment_started: bool
    locked: str | None  # why it cannot be re-planned or cancelled

    @property
    def state(self) -> str:
        if self.planning_id is None:
            return "Nog niet ingepland"
        if self.final:
            return "Definitief beoordeeld"
        if self.assessment_started:
            return "Beoordeling begonnen"
        return "Gestart" if self.started else "Ingepland"


@attrs.frozen
class AttemptView:
    id: int
    number: int
    status: CellStatus
    parts: tuple[PartView, ...]
    created_at: dt.datetime
    passed: bool | None


@attrs.frozen
class ExamAttempts:
    exam_id: int
    code: str
    name: str
    status: CellStatus
    attempt_number: int
    attempts: tuple[AttemptView, ...]  # newest first
    may_plan: bool
    latest_attempt_id: int | None


@attrs.frozen
class StudentExams:
    student_id: int
    student_name: str
    student_number: str
    exams: tuple[ExamAttempts, ...]
    may_plan: bool


def _attempt_view(attempt: Attempt, exam: Exam, names: dict[int, str], now: dt.datetime) -> AttemptView:
    parts = []
    for part in sorted(exam.parts, key=lambda p: p.number):
        planning = attempt.planning_for(saved_id(part.id))
        label = part_label(part.number, part.title)
        locked = planning.why_not_changeable(label) if planning is not None else None
        parts.append(
            PartView(
                part_id=saved_id(part.id), number=part.number, label=label,
                planning_id=planning.id if planning else None,
                starts_at=planning.starts_at if planning else None,
                ends_at=planning.ends_at if planning else None,
                location=planning.location if planning else None,
                examiner1=names.get(planning.examiner1_id) if planning else None,
                examiner2=names.get(planning.examiner2_id) if planning and planning.examiner2_id else None,
                examiner2_may_submit=bool(planning and planning.examiner2_may_submit),
                started=bool(planning and planning.has_started(now)),
                final=bool(planning and planning.is_final),
                assessment_started=bool(planning and planning.assessment_started_at is not None),
                locked=locked,
            )
        )
    facts = attempt.facts(saved_id(p.id) for p in exam.parts)
    return AttemptView(
        id=saved_id(attempt.id), number=attempt.number, status=cell_status(facts, now), parts=tuple(parts),
        created_at=attempt.created_at, passed=attempt.result_passed,
    )


def _names(uow: UnitOfWork, attempts: list[Attempt]) -> dict[int, str]:
    ids = {i for a in attempts for i in a.examiner_ids()}
    return {saved_id(u.id): u.full_name for u in uow.users.list_by_ids(ids)}


def _exam_attempts(context: StudentContext, exam: Exam, attempts: list[Attempt], names: dict[int, str], now: dt.datetime, plan: bool) -> ExamAttempts:
    mine = sorted((a for a in attempts if a.exam_id == exam.id), key=lambda a: a.number, reverse=True)
    views = tuple(_attempt_view(a, exam, names, now) for a in mine)
    latest = views[0] if views else None
    return ExamAttempts(
        exam_id=saved_id(exam.id), code=exam.code, name=exam.name,
        status=latest.status if latest else CellStatus.NOT_PLANNED,
        attempt_number=latest.number if latest else 0, attempts=views, may_plan=plan,
        latest_attempt_id=latest.id if latest else None,
    )


def student_exams(uow: UnitOfWork, actor: Actor, clock: Clock, student_id: int) -> StudentExams:
    """Every exam of the student's programme with its status and every attempt (the portfolio)."""
    with uow:
        context = student_context(uow, actor, student_id)
        student = context.student
        attempts = list(uow.attempts.for_student(saved_id(student.id)))
        names = _names(uow, attempts)
        plan = may_plan(actor, context)
        now = clock.now()
        exams = tuple(
            _exam_attempts(context, exam, attempts, names, now, plan)
            for exam in uow.exams.list_for_programme(student.programme_id)
        )
        return StudentExams(
            student_id=saved_id(student.id), student_name=student.full_name, student_number=student.student_number,
            exams=exams, may_plan=plan,
        )


@attrs.frozen
class AttemptPage:
    student_id: int
    student_name: str
    student_number: str
    exam: ExamAttempts
    attempt: AttemptView
    may_plan: bool


def attempt_page(uow: UnitOfWork, actor: Actor, clock: Clock, attempt_id: int) -> AttemptPage:
    """One attempt with its parts (the loepje behind a result in the overview)."""
    with uow:
        found = attempt_in_view(uow, actor, attempt_id)
        attempt, context, exam = found.attempt, found.context, found.exam
        attempts = [a for a in uow.attempts.for_student(attempt.student_id) if a.exam_id == exam.id]
        names = _names(uow, attempts)
        plan = may_plan(actor, context)
        summary = _exam_attempts(context, exam, attempts, names, clock.now(), plan)
        view = next(a for a in summary.attempts if a.id == attempt.id)
        return AttemptPage(
            student_id=attempt.student_id, student_name=context.student.full_name,
            student_number=context.student.student_number, exam=summary, attempt=view, may_plan=plan,
        )
