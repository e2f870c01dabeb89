"""Assessing a planned part (product.md 3.4; manual 2.3, 2.4).

Each examiner of a part has an ``Assessment`` of their own: scores 1-5 per criterion with a
justification, saved as a draft while they work. One of them makes it final ('Beoordeling
insturen'); that assessment becomes the part's result and can then only be corrected by an admin,
by a recorded decision of the examencommissie.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Sequence

import attrs

from ..errors import DomainError, PermissionDenied, ValidationErrors
from ..scores import JustificationRule, Score
from .planning import PartPlanning

MAX_JUSTIFICATION = 5000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20


class AssessmentNotStartedYet(DomainError):
    """A part can be assessed from its start time on, not before."""

    default_message = "Dit examenonderdeel is nog niet begonnen; beoordelen kan vanaf de begintijd."


class JustificationRequired(DomainError):
    """Some scores (by default 1, 2 and 5) need an 'Onderbouwing'."""

    default_message = "Bij deze score is een onderbouwing verplicht."


class ScoreMissing(DomainError):
    """A final assessment has a score for every criterion of the part."""

    default_message = "Geef elk criterium een score."


class AssessmentIncomplete(ValidationErrors):
    """What is missing before the assessment can be made final, by criterion."""

    default_message = "De beoordeling is nog niet compleet: verbeter de gemarkeerde criteria."

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__([e.message for e in errors])
        self.by_field = {e.field or "": e.message for e in errors}


class AssessmentAlreadyFinal(DomainError):
    """The first valid submission of a part wins; a final assessment is never overwritten."""

    default_message = "Dit onderdeel is al definitief beoordeeld. Er is niets gewijzigd."


class SubmitNotPermitted(PermissionDenied):
    """Examiner 1 submits; examiner 2 only when 'De tweede examinator mag beoordelen' is set."""

    default_message = (
        "Alleen de eerste examinator mag deze beoordeling insturen. Je scores zijn bewaard; "
        "de eerste examinator ziet ze naast die van zichzelf."
    )


class ConfirmationRequired(DomainError):
    """Submitting is deliberate: the examiner ticks the confirmation."""

    default_message = "Vink 'Weet je zeker dat je deze beoordeling wilt insturen?' aan om de beoordeling in te sturen."


class CorrectionNotValid(ValidationErrors):
    """A correction records the decision of the examencommissie: date, reference and reason."""

    default_message = "De correctie is niet opgeslagen: vul het besluit van de examencommissie volledig in."

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__([e.message for e in errors])
        self.by_field = {e.field or "": e.message for e in errors}


@attrs.define(slots=False, eq=False)
class CriterionScore:
    """One criterion's score and justification in one examiner's assessment."""

    criterion_id: int
    score: Score | None = None
    justification: str = ""
    assessment_id: int | None = None


@attrs.define(slots=False, eq=False)
class AssessmentFile:
    """A file attached to an assessment (photo, report); the bytes live in the file store."""

    file_key: str
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    uploaded_by_id: int
    assessment_id: int | None = None
    id: int | None = None


@attrs.define(slots=False, eq=False)
class Assessment:
    """One examiner's assessment of one planned part."""

    planning_id: int
    examiner_id: int
    started_at: dt.datetime
    updated_at: dt.datetime
    scores: list[CriterionScore] = attrs.field(factory=list)
    files: list[AssessmentFile] = attrs.field(factory=list)
    submitted_at: dt.datetime | None = None
    submitted_by_id: int | None = None
    id: int | None = None
    version: int = 1

    @property
    def is_final(self) -> bool:
        return self.submitted_at is not None

    def score_of(self, criterion_id: int) -> CriterionScore | None:
        return next((s for s in self.scores if s.criterion_id == criterion_id), None)

    def scores_by_criterion(self) -> dict[int, Score]:
        return {s.criterion_id: s.score for s in self.scores if s.score is not None}

    def record(self, criterion_id: int, score: Score | None, justification: str, now: dt.datetime) -> bool:
        """Set one criterion's score and justification; True when something changed."""
        if self.is_final:
            raise AssessmentAlreadyFinal()
        text = (justification or "").strip()[:MAX_JUSTIFICATION]
        current = self.score_of(criterion_id)
        if current is None:
            if score is None and not text:
                return False
            self.scores.append(CriterionScore(criterion_id=criterion_id, score=score, justification=text))
        elif current.score == score and current.justification == text:
            return False
        else:
            current.score, current.justification = score, text
        self.updated_at = now
        return True

    def problems(self, criteria: Iterable[tuple[int, str]], rule: JustificationRule) -> list[DomainError]:
        """What keeps this assessment from being final: unscored criteria, missing justifications.

        ``criteria`` are (id, label) of the part's criteria, in order."""
        found: list[DomainError] = []
        for criterion_id, label in criteria:
            entry = self.score_of(criterion_id)
            field = f"criterion-{criterion_id}"
            if entry is None or entry.score is None:
                found.append(ScoreMissing(f"{label}: geef een score van 1 tot en met 5.", field=field))
            elif rule.requires(entry.score) and not entry.justification.strip():
                found.append(
                    JustificationRequired(
                        f"{label}: bij score {entry.score} is een onderbouwing verplicht.", field=f"justification-{criterion_id}"
                    )
                )
        return found


def check_may_assess(planning: PartPlanning, examiner_id: int, now: dt.datetime) -> None:
    """The examiner is examiner 1 or 2 of the part (the caller answers 404 otherwise) and the part has started."""
    if examiner_id not in planning.examiner_ids():
        raise PermissionDenied("Je bent geen examinator van dit onderdeel.")
    if now < planning.starts_at:
        raise AssessmentNotStartedYet()


def check_may_submit(planning: PartPlanning, examiner_id: int) -> None:
    if planning.is_final:
        raise AssessmentAlreadyFinal()
    if examiner_id == planning.examiner1_id:
        return
    if examiner_id == planning.examiner2_id and planning.examiner2_may_submit:
        return
    raise SubmitNotPermitted()


def finalize(planning: PartPlanning, assessment: Assessment, by: int, now: dt.datetime) -> None:
    """Make ``assessment`` the part's final assessment (the first valid submission wins)."""
    check_may_submit(planning, by)
    assessment.submitted_at = now
    assessment.submitted_by_id = by
    assessment.updated_at = now
    planning.finalized_at = now
    planning.final_assessment_id = assessment.id


@attrs.define(slots=False, eq=False)
class Correction:
    """A change to a final assessment, by a decision of the examencommissie (audit trail).

    ``before`` and ``after`` hold the changed criteria: criterion id → (score, justification)."""

    assessment_id: int
    corrected_by_id: int
    corrected_at: dt.datetime
    decision_date: dt.date
    decision_reference: str
    reason: str
    before: dict[str, list] = attrs.field(factory=dict)
    after: dict[str, list] = attrs.field(factory=dict)
    id: int | None = None


def correct(
    assessment: Assessment,
    changes: Mapping[int, tuple[Score, str]],
    *,
    by: int,
    now: dt.datetime,
    decision_date: dt.date,
    decision_reference: str,
    reason: str,
) -> Correction | None:
    """Change scores of a final assessment; returns the record of what changed (None: nothing)."""
    before: dict[str, list] = {}
    after: dict[str, list] = {}
    for criterion_id, (score, justification) in changes.items():
        entry = assessment.score_of(criterion_id)
        old = (entry.score.value if entry and entry.score else None, entry.justification if entry else "")
        text = (justification or "").strip()[:MAX_JUSTIFICATION]
        if old == (score.value, text):
            continue
        before[str(criterion_id)] = list(old)
        after[str(criterion_id)] = [score.value, text]
        if entry is None:
            assessment.scores.append(CriterionScore(criterion_id=criterion_id, score=score, justification=text))
        else:
            entry.score, entry.justification = score, text
    if not after:
        return None
    assessment.updated_at = now
    return Correction(
        assessment_id=assessment.id or 0, corrected_by_id=by, corrected_at=now, decision_date=decision_date,
        decision_reference=decision_reference, reason=reason, before=before, after=after,
    )
