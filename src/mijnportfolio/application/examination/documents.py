"""The assessment form as a document: blank (for notes on paper) and the completed result."""

from __future__ import annotations

import attrs

from mijnportfolio.domain.catalogue import Exam, ExamPart
from mijnportfolio.domain.examination.assessment import Assessment
from mijnportfolio.domain.examination.planning import Attempt, PartPlanning
from mijnportfolio.domain.examination.scoring import dutch
from mijnportfolio.domain.permissions import Actor

from ..ports.assessment import AssessmentDocument, FormCriterion, FormGrade, FormPart
from ..ports.common import Clock
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import attempt_in_view, final_assessments
from .assessing import _load
from .results import attempt_outcome


def _criteria(part: ExamPart, assessment: Assessment | None) -> tuple[FormCriterion, ...]:
    lines = []
    for number, criterion in enumerate(sorted(part.criteria, key=lambda c: c.position), start=1):
        wp = criterion.work_process
        ct = wp.core_task if wp else None
        entry = assessment.score_of(saved_id(criterion.id)) if assessment else None
        lines.append(FormCriterion(
            number=number, text=criterion.text, core_task=ct.code if ct else "", core_task_title=(ct.title or "") if ct else "",
            work_process=wp.code if wp else "", work_process_title=(wp.title or "") if wp else "",
            knock_out=bool(criterion.knock_out), descriptors=tuple(sorted(criterion.descriptors.by_number().items())),
            score=entry.score.value if entry and entry.score else None,
            justification=entry.justification if entry else "",
        ))
    return tuple(lines)


def _part(part: ExamPart, planning: PartPlanning | None, assessment: Assessment | None, names: dict[int, str]) -> FormPart:
    return FormPart(
        number=part.number, title=part.title or "", criteria=_criteria(part, assessment),
        starts_at=planning.starts_at if planning else None, location=planning.location if planning else None,
        examiners=tuple(names.get(i, "") for i in ((planning.examiner1_id, planning.examiner2_id) if planning else ()) if i),
        assessed_by=names.get(assessment.examiner_id) if assessment else None,
        final_at=planning.finalized_at if planning else None,
    )


def _header(uow: UnitOfWork, exam: Exam, attempt: Attempt, student, organisation_name: str) -> dict:
    programme = uow.programmes.get(exam.programme_id)
    return dict(
        programme=f"{programme.name} ({programme.crebo})" if programme else "", exam_code=exam.code, exam_name=exam.name,
        student_name=student.full_name, student_number=student.student_number, attempt_number=attempt.number,
        justification_scores=exam.justification_rule.values, pass_mark=exam.pass_mark.dutch, organisation=organisation_name,
    )


def blank_form(uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int) -> AssessmentDocument:
    """The form of one planned part, for its examiners to take notes on paper."""
    with uow:
        loaded = _load(uow, actor, planning_id)
        names = {saved_id(u.id): u.full_name for u in uow.users.list_by_ids(loaded.planning.examiner_ids())}
        return AssessmentDocument(
            kind="blank", parts=(_part(loaded.part, loaded.planning, None, names),), generated_at=clock.now(),
            **_header(uow, loaded.exam, loaded.attempt, loaded.context.student, loaded.context.organisation.name),
        )


def result_document(uow: UnitOfWork, actor: Actor, clock: Clock, attempt_id: int) -> AssessmentDocument:
    """The completed assessment of an attempt: every part's final scores, grades, the outcome."""
    with uow:
        found = attempt_in_view(uow, actor, attempt_id)
        attempt, context, exam = found.attempt, found.context, found.exam
        finals = final_assessments(uow, attempt)
        people = {i for p in attempt.plannings for i in p.examiner_ids()}
        names = {saved_id(u.id): u.full_name for u in uow.users.list_by_ids(people)}
        parts = []
        for part in sorted(exam.parts, key=lambda p: p.number):
            planning = attempt.planning_for(saved_id(part.id))
            final = finals.get(planning.final_assessment_id) if planning else None
            parts.append(_part(part, planning, final, names))
        outcome = attempt_outcome(uow, exam, attempt)
        corrections = [
            f"{c.decision_date:%d-%m-%Y}, besluit {c.decision_reference}: {c.reason}"
            for c in uow.corrections.for_assessments([i for i in finals if i is not None])
        ]
        return AssessmentDocument(
            kind="result", parts=tuple(parts), generated_at=clock.now(),
            grades=tuple(
                FormGrade(core_task=ct.code, title=ct.title, grade=dutch(ct.grade) if ct.grade is not None else None,
                          passed=ct.passed, reasons=ct.reasons)
                for ct in outcome.core_tasks
            ),
            outcome_label=outcome.label, outcome_explanation=outcome.explanation, corrections=tuple(corrections),
            **_header(uow, exam, attempt, context.student, context.organisation.name),
        )


@attrs.frozen
class PdfName:
    """A safe download name: 'beoordeling-LM-100003-poging-1.pdf'."""

    kind: str
    exam_code: str
    student_number: str
    attempt_number: int

    def __str__(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{self.exam_code}-{self.student_number}")
        prefix = "beoordelingsformulier" if self.kind == "blank" else "resultaat"
        return f"{prefix}-{safe}-poging-{self.attempt_number}.pdf"
