"""The SQLAlchemy unit of work: one session, one transaction, explicit commit."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from mijnportfolio.domain.errors import ConcurrentModification, ConflictingWrite

from . import data_versions
from . import repositories as r
from .import_store import SqlAlchemyStudentImportStore


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker) -> None:
        self.session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "SqlAlchemyUnitOfWork":
        self.session = session = self.session_factory()
        self.organisations = r.SqlAlchemyOrganisationRepository(session)
        self.users = r.SqlAlchemyUserRepository(session)
        self.tokens = r.SqlAlchemyTokenRepository(session)
        self.outbox = r.SqlAlchemyOutboxRepository(session)
        self.programmes = r.SqlAlchemyProgrammeRepository(session)
        self.modules = r.SqlAlchemyModuleRepository(session)
        self.exams = r.SqlAlchemyExamRepository(session)
        self.students = r.SqlAlchemyStudentRepository(session)
        self.groups = r.SqlAlchemyGroupRepository(session)
        self.faq = r.SqlAlchemyFaqRepository(session)
        self.import_sessions = r.SqlAlchemyImportSessionRepository(session)
        self.import_mappings = r.SqlAlchemyImportMappingRepository(session)
        self.attempts = r.SqlAlchemyAttemptRepository(session)
        self.calendar_feeds = r.SqlAlchemyCalendarFeedRepository(session)
        self.assessments = r.SqlAlchemyAssessmentRepository(session)
        self.corrections = r.SqlAlchemyCorrectionRepository(session)
        self.impersonations = r.SqlAlchemyImpersonationSessionRepository(session)
        self.staff_contacts = r.SqlAlchemyStaffContactRepository(session)
        self.messages = r.SqlAlchemyMessageRepository(session)
        self.questionnaires = r.SqlAlchemyQuestionnaireRepository(session)
        self.questionnaire_assignments = r.SqlAlchemyQuestionnaireAssignmentRepository(session)
        self.questionnaire_responses = r.SqlAlchemyQuestionnaireResponseRepository(session)
        self.student_import = SqlAlchemyStudentImportStore(session)  # bulk import (application/imports.py)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.session is not None
        try:
            self.rollback()  # no-op after a commit; undoes everything otherwise
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        assert self.session is not None
        try:
            self.session.flush()
            data_versions.raise_if_written(self.session.connection())  # the last statement: its lock is held briefly
            self.session.commit()
        except StaleDataError as exc:
            self.rollback()
            raise ConcurrentModification() from exc
        except IntegrityError as exc:
            # The use case checked uniqueness first; this is the race in between (two saves at once).
            self.rollback()
            raise ConflictingWrite() from exc

    def flush(self) -> None:
        assert self.session is not None
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise ConcurrentModification() from exc
        except IntegrityError as exc:
            self.session.rollback()
            raise ConflictingWrite() from exc

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()


class SqlAlchemyUnitOfWorkFactory:
    """Callable that gives a fresh unit of work (the container's per-use-case factory)."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self.session_factory = session_factory

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)
