"""The unit of work: one transaction, with every repository and bulk store inside it."""

from __future__ import annotations

from typing import Protocol, Self

from .assessment import AssessmentRepository, CorrectionRepository
from .catalogue import ExamRepository, ModuleRepository, ProgrammeRepository
from .examination import AttemptRepository, CalendarFeedRepository
from .faq import FaqRepository
from .imports import (
    ImportMappingRepository,
    ImportSessionRepository,
    StudentImportStore,
)
from .mail import OutboxRepository
from .messages import MessageRepository
from .organisations import OrganisationRepository, TokenRepository, UserRepository
from .questionnaires import (
    QuestionnaireAssignmentRepository,
    QuestionnaireRepository,
    QuestionnaireResponseRepository,
)
from .portal import ImpersonationSessionRepository, StaffContactRepository
from .students import GroupRepository, StudentRepository


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls everything back."""

    organisations: OrganisationRepository
    users: UserRepository
    tokens: TokenRepository
    outbox: OutboxRepository
    programmes: ProgrammeRepository
    modules: ModuleRepository
    exams: ExamRepository
    students: StudentRepository
    groups: GroupRepository
    faq: FaqRepository
    import_sessions: ImportSessionRepository
    import_mappings: ImportMappingRepository
    student_import: StudentImportStore
    attempts: AttemptRepository
    calendar_feeds: CalendarFeedRepository
    assessments: AssessmentRepository
    corrections: CorrectionRepository
    messages: MessageRepository
    questionnaires: QuestionnaireRepository
    questionnaire_assignments: QuestionnaireAssignmentRepository
    questionnaire_responses: QuestionnaireResponseRepository
    impersonations: ImpersonationSessionRepository
    staff_contacts: StaffContactRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def flush(self) -> None:
        """Send pending changes so that new records get their ids, without committing."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work per use case call."""

    def __call__(self) -> UnitOfWork: ...




def saved_id(value: int | None) -> int:
    """The id of a stored record. A record read from a repository, or added and flushed, has
    one; ``None`` here is a programming error (a missing ``flush()``), never bad input."""
    if value is None:
        raise RuntimeError("record without an id: flush the unit of work before using it")
    return value
