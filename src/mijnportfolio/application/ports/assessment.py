"""Ports of assessing: the assessment form and result as a PDF document, and attachments."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, Sequence

import attrs

from mijnportfolio.domain.examination.assessment import Assessment, Correction


class AssessmentRepository(Protocol):
    """Examiners' assessments of planned parts, with their scores and files."""

    def add(self, assessment: Assessment) -> None: ...

    def get(self, assessment_id: int) -> Assessment | None: ...

    def for_planning(self, planning_id: int) -> Sequence[Assessment]:
        """The assessments of one planned part (one per examiner who started)."""
        ...

    def for_plannings(self, planning_ids: Sequence[int]) -> Sequence[Assessment]: ...

    def by_file(self, file_id: int) -> Assessment | None:
        """The assessment an attached file belongs to."""
        ...


class CorrectionRepository(Protocol):
    """The audit trail of corrections to final assessments."""

    def add(self, correction: Correction) -> None: ...

    def for_assessments(self, assessment_ids: Sequence[int]) -> Sequence[Correction]: ...


@attrs.frozen
class FormCriterion:
    """One line of the assessment form; ``score`` and ``justification`` are empty on a blank form."""

    number: int  # its place within the part, from 1
    text: str
    core_task: str
    core_task_title: str
    work_process: str
    work_process_title: str
    knock_out: bool
    descriptors: tuple[tuple[int, str], ...]  # (score 1-5, what that level means)
    score: int | None = None
    justification: str = ""


@attrs.frozen
class FormPart:
    number: int
    title: str
    criteria: tuple[FormCriterion, ...]
    starts_at: dt.datetime | None = None
    location: str | None = None
    examiners: tuple[str, ...] = ()
    assessed_by: str | None = None  # who made the final assessment
    final_at: dt.datetime | None = None


@attrs.frozen
class FormGrade:
    """A core task's grade as shown ('5,5'), whether it passed, and why not."""

    core_task: str
    title: str
    grade: str | None
    passed: bool | None
    reasons: tuple[str, ...] = ()


@attrs.frozen
class AssessmentDocument:
    """Everything the PDF shows. ``kind`` 'blank' is the form for notes on paper; 'result' the
    completed assessment with grades and the outcome."""

    kind: str
    programme: str
    exam_code: str
    exam_name: str
    student_name: str
    student_number: str
    attempt_number: int
    parts: tuple[FormPart, ...]
    justification_scores: tuple[int, ...]
    pass_mark: str
    generated_at: dt.datetime
    organisation: str = ""
    grades: tuple[FormGrade, ...] = ()
    outcome_label: str = ""
    outcome_explanation: str = ""
    corrections: tuple[str, ...] = ()


class AssessmentPdfWriter(Protocol):
    """Writes an assessment form or result as PDF (A4, Dutch characters, no criterion split over two pages)."""

    def write(self, document: AssessmentDocument) -> bytes: ...


@attrs.frozen
class FileCheck:
    """What an uploaded file really is, judged by its content."""

    content_type: str | None  # None: not a type the platform accepts
    description: str


class FileInspector(Protocol):
    """Tells what a file is from its first bytes (PDF, images, Office documents), never from its name."""

    def inspect(self, data: bytes, filename: str) -> FileCheck: ...


@attrs.frozen
class CorrectionRow:
    """One line of the audit trail, as admins read and export it."""

    id: int
    corrected_at: dt.datetime
    corrected_by: str
    student_name: str
    student_number: str
    exam_code: str
    attempt_number: int
    part_number: int
    decision_date: dt.date
    decision_reference: str
    reason: str
    changes: tuple[tuple[str, str, str], ...]  # (criterion, before, after)


@attrs.frozen
class ExaminerScores:
    """The scores of one examiner's assessments, for the calibration report."""

    examiner_id: int
    examiner_name: str
    assessments: int
    scores: tuple[int, ...]


@attrs.frozen
class PairedScore:
    """The same criterion of the same part scored by both examiners."""

    examiner_a: int
    examiner_b: int
    score_a: int
    score_b: int


class AssessmentQueries(Protocol):
    """Reports over many assessments: the audit trail and the calibration figures."""

    def corrections(self, *, page: int, per_page: int) -> tuple[Sequence[CorrectionRow], int]: ...

    def all_corrections(self) -> Sequence[CorrectionRow]: ...

    def examiner_scores(self) -> Sequence[ExaminerScores]: ...

    def paired_scores(self) -> Sequence[PairedScore]: ...


ACCEPTED_TYPES: Sequence[str] = (
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
)
