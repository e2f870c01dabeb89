"""The composition root: one dependency-injector container wires adapters to ports."""

from __future__ import annotations

from dependency_injector import containers, providers

from mijnportfolio.adapters.calendar import IcalendarCalendarWriter
from mijnportfolio.adapters.clock import SystemClock
from mijnportfolio.adapters.data_versions import SqlAlchemyDataVersions
from mijnportfolio.adapters.database import make_engine, make_session_factory
from mijnportfolio.adapters.fragment_cache import MemoryFragmentCache
from mijnportfolio.adapters.file_types import MagicFileInspector
from mijnportfolio.adapters.files import LocalFileStore
from mijnportfolio.adapters.mail import ConsoleMailer, MemoryMailer, SmtpMailer
from mijnportfolio.adapters.passwords import Argon2PasswordHasher
from mijnportfolio.adapters.pdf import Fpdf2AssessmentPdfWriter
from mijnportfolio.adapters.queries_assessments import SqlAlchemyAssessmentQueries
from mijnportfolio.adapters.queries_catalogue import SqlAlchemyCatalogueQueries
from mijnportfolio.adapters.queries_dashboard import SqlAlchemyDashboardQuery
from mijnportfolio.adapters.queries_messages import SqlAlchemyMessageQuery
from mijnportfolio.adapters.queries_overview import SqlAlchemyOverviewQuery
from mijnportfolio.adapters.queries_questionnaires import SqlAlchemyQuestionnaireQuery
from mijnportfolio.adapters.queries_students import SqlAlchemyStudentListQuery
from mijnportfolio.adapters.queries_users import SqlAlchemyStaffUserQueries
from mijnportfolio.adapters.tabular import CsvXlsxReader
from mijnportfolio.adapters.unit_of_work import SqlAlchemyUnitOfWork

from .config import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    # Thread-safe: a fresh server worker may get its first requests in parallel threads.
    engine = providers.ThreadSafeSingleton(make_engine, settings.provided.database_url)
    session_factory = providers.ThreadSafeSingleton(make_session_factory, engine)

    # A fresh unit of work for every use case call.
    uow = providers.Factory(SqlAlchemyUnitOfWork, session_factory)

    # Read models for the screens: plain rows in a fixed number of statements.
    staff_user_queries = providers.Singleton(SqlAlchemyStaffUserQueries, engine)
    catalogue_queries = providers.Singleton(SqlAlchemyCatalogueQueries, engine)
    student_list_query = providers.Singleton(SqlAlchemyStudentListQuery, engine)
    overview_query = providers.Singleton(SqlAlchemyOverviewQuery, engine)
    data_versions = providers.Singleton(SqlAlchemyDataVersions, engine)
    fragment_cache = providers.ThreadSafeSingleton(MemoryFragmentCache)
    dashboard_query = providers.Singleton(SqlAlchemyDashboardQuery, engine)
    message_query = providers.Singleton(SqlAlchemyMessageQuery, engine)
    questionnaire_query = providers.Singleton(SqlAlchemyQuestionnaireQuery, engine)
    assessment_queries = providers.Singleton(SqlAlchemyAssessmentQueries, engine)

    tabular_reader = providers.Singleton(CsvXlsxReader)
    clock = providers.Singleton(SystemClock)
    calendar = providers.Singleton(IcalendarCalendarWriter)
    pdf_writer = providers.Singleton(Fpdf2AssessmentPdfWriter)
    file_inspector = providers.Singleton(MagicFileInspector)
    hasher = providers.Singleton(Argon2PasswordHasher)
    file_store = providers.Singleton(LocalFileStore, settings.provided.upload_folder)

    mailer = providers.Selector(
        settings.provided.mail_backend,
        smtp=providers.Singleton(
            SmtpMailer,
            host=settings.provided.smtp_host,
            port=settings.provided.smtp_port,
            sender=settings.provided.mail_from,
            username=settings.provided.smtp_username,
            password=settings.provided.smtp_password,
            starttls=settings.provided.smtp_starttls,
        ),
        console=providers.Singleton(ConsoleMailer, sender=settings.provided.mail_from),
        memory=providers.Singleton(MemoryMailer, sender=settings.provided.mail_from),
    )


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)


def prepare(container: Container) -> None:
    """Build what every request shares before the first one arrives: the engine and the session
    factory, which maps and configures the ORM completely (never lazily, under load)."""
    container.session_factory()
