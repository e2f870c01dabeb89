"""Corrections by decision (product.md 3.4, 8): a final assessment is immutable; an admin changes
its scores only by recording a decision of the examencommissie (date, reference, reason). The
grade is recomputed, the student told, and every change kept in an audit trail.

Also the calibration report: per examiner how many assessments, the mean score and its spread,
and how often they agree with the other examiner on double-assessed parts."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Mapping, Sequence

import attrs

from mijnportfolio.domain.errors import DomainError, InvalidValue, NotFound
from mijnportfolio.domain.examination import local_time
from mijnportfolio.domain.examination.assessment import CorrectionNotValid, JustificationRequired, correct
from mijnportfolio.domain.examination.scoring import Outcome
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.scores import InvalidScore, Score
from mijnportfolio.domain.values import optional_text

from ..mail import queue_mail
from ..ports.assessment import AssessmentQueries, CorrectionRow
from ..ports.common import Clock
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import exam_of_student, part_label, student_context
from .results import attempt_outcome, criterion_label


@attrs.frozen
class CorrectionLine:
    id: int
    number: int
    label: str
    text: str
    score: int | None
    justification: str


@attrs.frozen
class CorrectionForm:
    assessment_id: int
    attempt_id: int
    student_name: str
    student_number: str
    exam_code: str
    part_label: str
    attempt_number: int
    assessed_by: str
    lines: tuple[CorrectionLine, ...]
    justification_scores: tuple[int, ...]
    history: tuple[str, ...]


def _final_assessment(uow: UnitOfWork, actor: Actor, assessment_id: int):
    require(actor, Permission.CORRECT_RESULTS)
    assessment = uow.assessments.get(assessment_id)
    if assessment is None or not assessment.is_final:
        raise NotFound("Deze definitieve beoordeling bestaat niet.")
    attempt = uow.attempts.by_planning(assessment.planning_id)
    if attempt is None:
        raise NotFound("Deze definitieve beoordeling bestaat niet.")
    context = student_context(uow, actor, attempt.student_id)
    exam = exam_of_student(uow, context, attempt.exam_id)
    planning = attempt.planning(assessment.planning_id)
    part = next(p for p in exam.parts if planning is not None and p.id == planning.part_id)
    return assessment, attempt, context, exam, part


def correction_form(uow: UnitOfWork, actor: Actor, assessment_id: int) -> CorrectionForm:
    with uow:
        assessment, attempt, context, exam, part = _final_assessment(uow, actor, assessment_id)
        examiner = uow.users.get(assessment.examiner_id)
        lines = []
        for number, criterion in enumerate(sorted(part.criteria, key=lambda c: c.position), start=1):
            entry = assessment.score_of(saved_id(criterion.id))
            lines.append(CorrectionLine(
                id=saved_id(criterion.id), number=number, label=criterion_label(number, criterion), text=criterion.text,
                score=entry.score.value if entry and entry.score else None, justification=entry.justification if entry else "",
            ))
        history = tuple(
            f"{local_time.format_moment(c.corrected_at)}: besluit {c.decision_reference} van {c.decision_date:%d-%m-%Y} – {c.reason}"
            for c in uow.corrections.for_assessments([assessment_id])
        )
        return CorrectionForm(
            assessment_id=assessment_id, attempt_id=saved_id(attempt.id), student_name=context.student.full_name,
            student_number=context.student.student_number, exam_code=exam.code,
            part_label=part_label(part.number, part.title), attempt_number=attempt.number,
            assessed_by=examiner.full_name if examiner else "", lines=tuple(lines),
            justification_scores=exam.justification_rule.values, history=history,
        )


@attrs.frozen
class Decision:
    """The decision of the examencommissie as the form sends it."""

    date: str
    reference: str
    reason: str


@attrs.frozen
class Corrected:
    attempt_id: int
    changed: int
    outcome: Outcome


def correct_assessment(
    uow: UnitOfWork, actor: Actor, clock: Clock, assessment_id: int, changes: Mapping[int, tuple[str, str]],
    decision: Decision,
) -> Corrected:
    """Change scores of a final assessment by a recorded decision; returns the new outcome."""
    errors: list[DomainError] = []
    decision_date: dt.date | None = None
    try:
        decision_date = local_time.parse_date(decision.date, "De datum van het besluit", field="decision_date")
    except DomainError as exc:
        errors.append(exc)
    reference = (decision.reference or "").strip()
    if not reference:
        errors.append(InvalidValue("Vul het kenmerk van het besluit in.", field="decision_reference"))
    elif len(reference) > 100:
        errors.append(InvalidValue("Het kenmerk mag hoogstens 100 tekens lang zijn.", field="decision_reference"))
    try:
        reason = optional_text(decision.reason, max_length=5000, label="De reden", field="decision_reason") or ""
    except DomainError as exc:
        errors.append(exc)
        reason = ""
    if not reason:
        errors.append(InvalidValue("Vul de reden van de correctie in.", field="decision_reason"))
    with uow:
        assessment, attempt, context, exam, part = _final_assessment(uow, actor, assessment_id)
        known = {saved_id(c.id): (i, c) for i, c in enumerate(sorted(part.criteria, key=lambda c: c.position), start=1)}
        parsed: dict[int, tuple[Score, str]] = {}
        for criterion_id, (raw, justification) in changes.items():
            if criterion_id not in known:
                raise NotFound("Dit criterium hoort niet bij deze beoordeling.")
            number, criterion = known[criterion_id]
            try:
                score = Score.parse(raw, field=f"criterion-{criterion_id}")
            except InvalidScore as exc:
                errors.append(InvalidScore(f"{criterion_label(number, criterion)}: {exc.message}", field=f"criterion-{criterion_id}"))
                continue
            if exam.justification_rule.requires(score) and not (justification or "").strip():
                errors.append(JustificationRequired(
                    f"{criterion_label(number, criterion)}: bij score {score} is een onderbouwing verplicht.",
                    field=f"justification-{criterion_id}",
                ))
            parsed[criterion_id] = (score, justification)
        if errors:
            raise errors[0] if len(errors) == 1 else CorrectionNotValid(errors)
        assert decision_date is not None
        now = clock.now()
        record = correct(assessment, parsed, by=actor.user_id, now=now, decision_date=decision_date,
                         decision_reference=reference, reason=reason)
        if record is None:
            raise InvalidValue("Er is geen score gewijzigd; er is niets opgeslagen.", field="")
        uow.corrections.add(record)
        outcome = attempt_outcome(uow, exam, attempt, override={assessment.planning_id: assessment.scores_by_criterion()})
        complete = attempt.is_complete(saved_id(p.id) for p in exam.parts)
        attempt.record_outcome(outcome.passed if complete else None, now)
        student = context.student
        queue_mail(uow, clock, EmailMessage(
            to=(student.email,),
            subject=f"Je resultaat voor {exam.code} is gecorrigeerd",
            body=(
                f"Beste {student.full_name},\n\n"
                f"De examencommissie heeft besloten je beoordeling van {exam.code} {exam.name} "
                f"({part_label(part.number, part.title).lower()}, poging {attempt.number}) te corrigeren.\n"
                "Log in op MijnPortfolio om je resultaat te bekijken.\n"
            ),
        ))
        uow.commit()
        return Corrected(attempt_id=saved_id(attempt.id), changed=len(record.after), outcome=outcome)


def audit_trail(queries: AssessmentQueries, actor: Actor, *, page: int = 1, per_page: int = 50) -> tuple[Sequence[CorrectionRow], int]:
    """Every correction, newest first (admins)."""
    require(actor, Permission.CORRECT_RESULTS)
    return queries.corrections(page=max(1, page), per_page=per_page)


def audit_export(queries: AssessmentQueries, actor: Actor) -> Sequence[CorrectionRow]:
    require(actor, Permission.CORRECT_RESULTS)
    return queries.all_corrections()


# --- calibration -----------------------------------------------------------------------------------


@attrs.frozen
class CalibrationRow:
    examiner_id: int
    examiner_name: str
    assessments: int
    scores: int
    mean: float | None
    spread: float | None  # standard deviation of the scores
    paired: int  # criteria that the other examiner of the part scored too
    agreement: float | None  # share of those within 1 point
    exact: float | None  # share of those exactly equal
    mean_difference: float | None  # mean of (own − other)


def calibration(queries: AssessmentQueries, actor: Actor) -> list[CalibrationRow]:
    """Per examiner: how they score, and how they compare with the other examiner of the same parts."""
    require(actor, Permission.CORRECT_RESULTS)
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in queries.paired_scores():
        pairs[pair.examiner_a].append((pair.score_a, pair.score_b))
        pairs[pair.examiner_b].append((pair.score_b, pair.score_a))
    rows = []
    for entry in queries.examiner_scores():
        scores = list(entry.scores)
        mine = pairs.get(entry.examiner_id, [])
        rows.append(CalibrationRow(
            examiner_id=entry.examiner_id, examiner_name=entry.examiner_name, assessments=entry.assessments,
            scores=len(scores), mean=round(statistics.fmean(scores), 2) if scores else None,
            spread=round(statistics.pstdev(scores), 2) if len(scores) > 1 else (0.0 if scores else None),
            paired=len(mine),
            agreement=round(sum(1 for a, b in mine if abs(a - b) <= 1) / len(mine), 3) if mine else None,
            exact=round(sum(1 for a, b in mine if a == b) / len(mine), 3) if mine else None,
            mean_difference=round(statistics.fmean(a - b for a, b in mine), 2) if mine else None,
        ))
    return sorted(rows, key=lambda r: r.examiner_name.casefold())
