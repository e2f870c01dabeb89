"""Finding a student and an exam for an examination use case, with the permission policy."""

from __future__ import annotations

import attrs

from mijnportfolio.domain.catalogue import Exam
from mijnportfolio.domain.errors import NotFound
from mijnportfolio.domain.examination.assessment import Assessment
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.organisations import Organisation
from mijnportfolio.domain.permissions import (
    Actor,
    Permission,
    StudentFacts,
    is_allowed,
    require,
)
from mijnportfolio.domain.students import Student

from ..ports.unit_of_work import UnitOfWork, saved_id

ATTEMPT_NOT_FOUND = "Deze examenpoging bestaat niet."
STUDENT_NOT_VISIBLE = "Deze student bestaat niet of je hebt er geen toegang toe."
EXAM_NOT_FOUND = "Dit examen bestaat niet of hoort niet bij de opleiding van de student."


@attrs.frozen
class StudentContext:
    student: Student
    facts: StudentFacts
    organisation: Organisation

    @property
    def examiners_may_plan(self) -> bool:
        return bool(self.organisation.examiners_may_plan)


def student_context(uow: UnitOfWork, actor: Actor, student_id: int) -> StudentContext:
    """The student with the facts the policy needs; NotFound (404) when the actor may not see them."""
    student = uow.students.get(student_id)
    if student is None:
        raise NotFound(STUDENT_NOT_VISIBLE)
    facts = student.facts(uow.attempts.examiner_ids_of_student(saved_id(student.id)))
    require(actor, Permission.VIEW_STUDENT, student=facts)
    organisation = uow.organisations.get(student.organisation_id)
    if organisation is None:
        raise NotFound(STUDENT_NOT_VISIBLE)
    return StudentContext(student=student, facts=facts, organisation=organisation)


def may_plan(actor: Actor, context: StudentContext) -> bool:
    return is_allowed(
        actor, Permission.PLAN_EXAM, student=context.facts, examiners_may_plan=context.examiners_may_plan
    )


def require_planner(actor: Actor, context: StudentContext) -> None:
    """403 for someone who may see the student but not plan for them."""
    require(actor, Permission.PLAN_EXAM, student=context.facts, examiners_may_plan=context.examiners_may_plan)


def exam_of_student(uow: UnitOfWork, context: StudentContext, exam_id: int) -> Exam:
    exam = uow.exams.get(exam_id)
    if exam is None or exam.programme_id != context.student.programme_id:
        raise NotFound(EXAM_NOT_FOUND)
    return exam


@attrs.frozen
class AttemptInView:
    """An attempt with its student (as the policy sees them) and its exam."""

    attempt: Attempt
    context: StudentContext
    exam: Exam


def attempt_in_view(uow: UnitOfWork, actor: Actor, attempt_id: int) -> AttemptInView:
    """The attempt for someone who may see its student; NotFound otherwise."""
    attempt = uow.attempts.get(attempt_id)
    if attempt is None:
        raise NotFound(ATTEMPT_NOT_FOUND)
    context = student_context(uow, actor, attempt.student_id)
    return AttemptInView(attempt=attempt, context=context, exam=exam_of_student(uow, context, attempt.exam_id))


def final_assessments(uow: UnitOfWork, attempt: Attempt) -> dict[int | None, Assessment]:
    """The final assessment of each part of the attempt that has one, by assessment id."""
    plannings = [saved_id(p.id) for p in attempt.plannings]
    return {saved_id(a.id): a for a in uow.assessments.for_plannings(plannings) if a.is_final}


def part_label(number: int, title: str | None) -> str:
    """'Onderdeel 2' or 'Onderdeel 2: Reflecteren' (an empty title adds nothing)."""
    title = (title or "").strip()
    return f"Onderdeel {number}: {title}" if title and title != f"Onderdeel {number}" else f"Onderdeel {number}"
