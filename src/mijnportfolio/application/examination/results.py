"""Results: the outcome of an attempt from its final assessments, as the scoring rule gives it,
and the result page (grades per core task and the outcome with its reason)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

import attrs

from mijnportfolio.domain.catalogue import Criterion, Exam
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.examination.scoring import CriterionRef, Outcome, ScoringRule, dutch, outcome
from mijnportfolio.domain.examination.status import CellStatus, cell_status
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed
from mijnportfolio.domain.scores import Score

from ..ports.common import Clock
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import attempt_in_view, final_assessments, part_label


def scoring_rule(exam: Exam) -> ScoringRule:
    """The exam's rule as data: its pass mark and, when set, the minimum per work process."""
    return ScoringRule(pass_mark=exam.pass_mark, work_process_minimum=exam.work_process_minimum)


def criterion_refs(exam: Exam) -> list[CriterionRef]:
    refs = []
    for criterion in exam.criteria():
        wp = criterion.work_process
        ct = wp.core_task if wp else None
        refs.append(CriterionRef(
            id=saved_id(criterion.id), text=criterion.text, core_task=ct.code if ct else "", work_process=wp.code if wp else "",
            knock_out=bool(criterion.knock_out), core_task_title=(ct.title or "") if ct else "",
            work_process_title=(wp.title or "") if wp else "",
        ))
    return refs


def criterion_label(number: int, criterion: Criterion) -> str:
    """How a message names a criterion of a part: 'Criterium 3 (B1-K1-W2)'."""
    wp = criterion.work_process
    return f"Criterium {number}" + (f" ({wp.code})" if wp else "")


def attempt_outcome(
    uow: UnitOfWork, exam: Exam, attempt: Attempt, *, override: Mapping[int, Mapping[int, Score]] | None = None,
) -> Outcome:
    """The outcome from the final assessment of each part; ``override`` gives other scores for
    some plannings (a draft under review, or a submission not yet stored)."""
    scores: dict[int, Score] = {}
    finals = final_assessments(uow, attempt)
    for planning in attempt.plannings:
        planning_id = saved_id(planning.id)
        if override and planning_id in override:
            scores.update(override[planning_id])
        elif planning.final_assessment_id in finals:
            scores.update(finals[planning.final_assessment_id].scores_by_criterion())
    return outcome(criterion_refs(exam), scores, scoring_rule(exam))


@attrs.frozen
class PartResult:
    number: int
    label: str
    final: bool
    assessed_by: str | None
    final_at: dt.datetime | None
    planning_id: int | None
    final_assessment_id: int | None = None


@attrs.frozen
class ResultPage:
    attempt_id: int
    attempt_number: int
    student_id: int
    student_name: str
    student_number: str
    exam_code: str
    exam_name: str
    status: CellStatus
    outcome: Outcome
    parts: tuple[PartResult, ...]
    pass_mark: str
    may_correct: bool = False

    def grade_text(self, value) -> str:
        return dutch(value) if value is not None else "—"


def result_page(uow: UnitOfWork, actor: Actor, clock: Clock, attempt_id: int) -> ResultPage:
    """Grades per core task and the outcome with its reason, for whoever may see the student."""
    with uow:
        found = attempt_in_view(uow, actor, attempt_id)
        attempt, context, exam = found.attempt, found.context, found.exam
        finals = final_assessments(uow, attempt)
        names = {saved_id(u.id): u.full_name for u in uow.users.list_by_ids({a.examiner_id for a in finals.values()})}
        parts = []
        for part in sorted(exam.parts, key=lambda p: p.number):
            planning = attempt.planning_for(saved_id(part.id))
            final = finals.get(planning.final_assessment_id) if planning else None
            parts.append(PartResult(
                number=part.number, label=part_label(part.number, part.title), final=bool(planning and planning.is_final),
                assessed_by=names.get(final.examiner_id) if final else None, final_at=planning.finalized_at if planning else None,
                planning_id=planning.id if planning else None,
                final_assessment_id=final.id if final else None,
            ))
        facts = attempt.facts(saved_id(p.id) for p in exam.parts)
        return ResultPage(
            attempt_id=saved_id(attempt.id), attempt_number=attempt.number, student_id=attempt.student_id,
            student_name=context.student.full_name, student_number=context.student.student_number,
            exam_code=exam.code, exam_name=exam.name, status=cell_status(facts, clock.now()),
            outcome=attempt_outcome(uow, exam, attempt), parts=tuple(parts), pass_mark=exam.pass_mark.dutch,
            may_correct=is_allowed(actor, Permission.CORRECT_RESULTS),
        )
