"""SQLAlchemy Core tables and the imperative mapping onto the domain's attrs classes.

Schema changes need an Alembic migration (adapters/migrations); the app never calls
create_all outside tests. ``start_mappers()`` is idempotent and called by the composition root.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import configure_mappers, registry, relationship

from mijnportfolio.domain.catalogue import (
    CoreTask,
    Criterion,
    Exam,
    ExamPart,
    Module,
    Programme,
    WorkProcess,
)
from mijnportfolio.domain.account import StaffContact
from mijnportfolio.domain.faq import FaqItem
from mijnportfolio.domain.impersonation import EndReason, ImpersonationSession
from mijnportfolio.domain.imports import ImportMapping, ImportSession
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.messages import Message, MessageRecipient
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.questionnaires import (
    Answer,
    Assignment,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireResponse,
)
from mijnportfolio.domain.scores import (
    DEFAULT_JUSTIFICATION_RULE,
    DEFAULT_PASS_MARK,
    Descriptors,
    JustificationRule,
    PassMark,
    Score,
)
from mijnportfolio.domain.students import ParticipantGroup, Student
from mijnportfolio.domain.examination.assessment import Assessment, AssessmentFile, Correction, CriterionScore
from mijnportfolio.domain.examination.planning import Attempt, PartPlanning
from mijnportfolio.domain.tokens import CalendarFeed, TokenPurpose, UserToken

naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=naming_convention)
mapper_registry = registry(metadata=metadata)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always returns aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use the Clock port (aware UTC)")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class PassMarkType(sa.types.TypeDecorator):
    """A PassMark as NUMERIC(3, 1)."""

    impl = sa.Numeric(3, 1)
    cache_ok = True

    def process_bind_param(self, value: PassMark | None, dialect):
        return None if value is None else PassMark.parse(value).value

    def process_result_value(self, value: Decimal | None, dialect):
        return None if value is None else PassMark(Decimal(value).quantize(Decimal("0.1")))


class JustificationRuleType(sa.types.TypeDecorator):
    """A JustificationRule as its text "1,2,5"."""

    impl = sa.String(20)
    cache_ok = True

    def process_bind_param(self, value: JustificationRule | str | None, dialect):
        # Bulk inserts through Core (imports, benchmarks) may pass the text itself.
        if isinstance(value, str):
            value = JustificationRule.from_text(value)
        return None if value is None else value.to_text()

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else JustificationRule.from_text(value)


class DescriptorsType(sa.types.TypeDecorator):
    """Descriptors as JSON {"1": "...", "5": "..."}."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Descriptors | dict[Any, object] | None, dialect):
        return Descriptors.parse(value).to_json()

    def process_result_value(self, value: dict | None, dialect):
        return Descriptors.parse(value or {})


def _enum(enum_cls, length: int = 20) -> sa.Enum:
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        create_constraint=False,
    )


organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("examiners_may_plan", sa.Boolean, nullable=False, default=False),
    sa.Column("version", sa.Integer, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("role", _enum(Role), nullable=False, index=True),
    sa.Column("first_name", sa.String(100)),
    sa.Column("infix", sa.String(50)),
    sa.Column("last_name", sa.String(150), nullable=False),
    sa.Column("sort_name", sa.String(400), nullable=False, index=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), index=True),
    sa.Column("password_hash", sa.String(255)),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("language", sa.String(5), nullable=False, default="nl"),
    sa.Column("created_at", UTCDateTime),
    sa.Column("last_login_at", UTCDateTime),
    sa.Column("version", sa.Integer, nullable=False),
)

user_tokens = sa.Table(
    "user_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("purpose", _enum(TokenPurpose), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("attachments", sa.JSON, nullable=False, default=list),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", UTCDateTime, index=True),
)

programmes = sa.Table(
    "programmes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("crebo", sa.String(5), nullable=False, unique=True),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

modules = sa.Table(
    "modules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("programme_id", sa.ForeignKey("programmes.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("programme_id", "name", name="uq_modules_programme_name"),
)

exams = sa.Table(
    "exams",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("programme_id", sa.ForeignKey("programmes.id"), nullable=False, index=True),
    sa.Column("module_id", sa.ForeignKey("modules.id"), index=True),
    sa.Column("code", sa.String(30), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("planning_instruction", sa.Text),
    sa.Column("location", sa.Text),
    sa.Column("max_attempts", sa.Integer),
    sa.Column("pass_mark", PassMarkType, nullable=False, default=DEFAULT_PASS_MARK),
    sa.Column("justification_scores", JustificationRuleType, nullable=False, default=DEFAULT_JUSTIFICATION_RULE),
    sa.Column("work_process_minimum", PassMarkType),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("programme_id", "code", name="uq_exams_programme_code"),
)

exam_parts = sa.Table(
    "exam_parts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exam_id", sa.ForeignKey("exams.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False, default=""),
    sa.UniqueConstraint("exam_id", "number", name="uq_exam_parts_exam_number"),
)

core_tasks = sa.Table(
    "core_tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exam_id", sa.ForeignKey("exams.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("code", sa.String(30), nullable=False),
    sa.Column("title", sa.String(300), nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("exam_id", "code", name="uq_core_tasks_exam_code"),
)

work_processes = sa.Table(
    "work_processes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exam_id", sa.ForeignKey("exams.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("core_task_id", sa.ForeignKey("core_tasks.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("title", sa.String(300), nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("exam_id", "code", name="uq_work_processes_exam_code"),
)

criteria = sa.Table(
    "criteria",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("part_id", sa.ForeignKey("exam_parts.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("work_process_id", sa.ForeignKey("work_processes.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("knock_out", sa.Boolean, nullable=False, default=False),
    sa.Column("descriptors", DescriptorsType, nullable=False, default=Descriptors),
    sa.Column("position", sa.Integer, nullable=False, default=0),
)

participant_groups = sa.Table(
    "participant_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(200)),
    sa.Column("description", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("organisation_id", "name", name="uq_participant_groups_organisation_name"),
)

students = sa.Table(
    "students",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False, index=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, unique=True),
    sa.Column("student_number", sa.String(50), nullable=False),
    sa.Column("programme_id", sa.ForeignKey("programmes.id"), nullable=False, index=True),
    sa.Column("supervisor_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("trainer_id", sa.ForeignKey("users.id"), index=True),
    sa.Column("cohort", sa.String(50), index=True),
    sa.Column("phone", sa.String(50)),
    sa.Column("introduction", sa.Text),
    sa.Column("street", sa.String(200)),
    sa.Column("postcode", sa.String(10)),
    sa.Column("city", sa.String(100)),
    sa.Column("photo_key", sa.String(255)),
    sa.Column("photo_type", sa.String(50)),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("organisation_id", "student_number", name="uq_students_organisation_number"),
)

student_groups = sa.Table(
    "student_groups",
    metadata,
    sa.Column("student_id", sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("participant_groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)

faq_items = sa.Table(
    "faq_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("version", sa.Integer, nullable=False),
)

import_sessions = sa.Table(
    "import_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("file_key", sa.String(255), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
    sa.Column("step", sa.String(20), nullable=False),
    sa.Column("state", sa.JSON, nullable=False, default=dict),
    sa.Column("version", sa.Integer, nullable=False),
)

import_mappings = sa.Table(
    "import_mappings",
    metadata,
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True),
    sa.Column("mapping", sa.JSON, nullable=False, default=dict),
    sa.Column("updated_at", UTCDateTime),
)


attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("student_id", sa.ForeignKey("students.id"), nullable=False),
    sa.Column("exam_id", sa.ForeignKey("exams.id"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by_id", sa.ForeignKey("users.id")),
    sa.Column("result_passed", sa.Boolean),
    sa.Column("result_at", UTCDateTime),
    sa.Column("updated_at", UTCDateTime),
    sa.Column("version", sa.Integer, nullable=False),
    # One attempt per number: two planners starting the same retake at once cannot both succeed.
    sa.UniqueConstraint("student_id", "exam_id", "number", name="uq_attempts_student_exam_number"),
)

part_plannings = sa.Table(
    "part_plannings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("attempt_id", sa.ForeignKey("attempts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("part_id", sa.ForeignKey("exam_parts.id"), nullable=False, index=True),
    sa.Column("starts_at", UTCDateTime, nullable=False, index=True),
    sa.Column("ends_at", UTCDateTime, nullable=False),
    sa.Column("location", sa.String(500)),
    sa.Column("examiner1_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("examiner2_id", sa.ForeignKey("users.id"), index=True),
    sa.Column("examiner2_may_submit", sa.Boolean, nullable=False, default=False),
    sa.Column("calendar_uid", sa.String(100), nullable=False, unique=True),
    sa.Column("calendar_sequence", sa.Integer, nullable=False, default=0),
    sa.Column("planned_at", UTCDateTime),
    sa.Column("planned_by_id", sa.ForeignKey("users.id")),
    sa.Column("assessment_started_at", UTCDateTime),
    sa.Column("finalized_at", UTCDateTime),
    sa.Column("final_assessment_id", sa.Integer),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("attempt_id", "part_id", name="uq_part_plannings_attempt_part"),
)

class ScoreType(sa.types.TypeDecorator):
    """A Score as a small integer (NULL: not scored yet)."""

    impl = sa.SmallInteger
    cache_ok = True

    def process_bind_param(self, value: Score | int | None, dialect):
        if value is None:
            return None
        return value.value if isinstance(value, Score) else Score(int(value)).value

    def process_result_value(self, value: int | None, dialect):
        return None if value is None else Score(int(value))


assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("planning_id", sa.ForeignKey("part_plannings.id", ondelete="CASCADE"), nullable=False),
    sa.Column("examiner_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("submitted_at", UTCDateTime),
    sa.Column("submitted_by_id", sa.ForeignKey("users.id")),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("planning_id", "examiner_id", name="uq_assessments_planning_examiner"),
)

assessment_scores = sa.Table(
    "assessment_scores",
    metadata,
    # The natural key: the ORM then writes all scores of a save in one executemany.
    sa.Column("assessment_id", sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("criterion_id", sa.ForeignKey("criteria.id"), primary_key=True, index=True),
    sa.Column("score", ScoreType),
    sa.Column("justification", sa.Text, nullable=False, default=""),
    sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_1_to_5"),
)

assessment_files = sa.Table(
    "assessment_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("file_key", sa.String(255), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(120), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
    sa.Column("uploaded_by_id", sa.ForeignKey("users.id"), nullable=False),
)

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.ForeignKey("assessments.id"), nullable=False, index=True),
    sa.Column("corrected_by_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("corrected_at", UTCDateTime, nullable=False, index=True),
    sa.Column("decision_date", sa.Date, nullable=False),
    sa.Column("decision_reference", sa.String(100), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("before", sa.JSON, nullable=False),
    sa.Column("after", sa.JSON, nullable=False),
)

calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# The student portal: every session of looking along, and the staff's own contact details.
impersonation_sessions = sa.Table(
    "impersonation_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("staff_user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("student_id", sa.ForeignKey("students.id"), nullable=False, index=True),
    sa.Column("started_at", UTCDateTime, nullable=False, index=True),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("ended_at", UTCDateTime),
    sa.Column("end_reason", _enum(EndReason)),
)

staff_contacts = sa.Table(
    "staff_contacts",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("phone", sa.String(50)),
    sa.Column("version", sa.Integer, nullable=False),
)


# Messages (berichten): one row per message, one per recipient with that recipient's read state.
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=False),
    sa.Column("reply_to_id", sa.ForeignKey("messages.id")),
    sa.Column("thread_id", sa.ForeignKey("messages.id"), index=True),
    sa.Index("ix_messages_sender_sent", "sender_id", "sent_at"),
)

message_recipients = sa.Table(
    "message_recipients",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("read_at", UTCDateTime),
    sa.UniqueConstraint("message_id", "user_id", name="uq_message_recipients_message_user"),
    # The inbox and its counts: a user's rows, unread ones first to find.
    sa.Index("ix_message_recipients_user_read", "user_id", "read_at"),
)

# Questionnaires (vragenlijsten): questions, assignments to students or groups, responses.
questionnaires = sa.Table(
    "questionnaires",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("created_at", UTCDateTime),
    sa.Column("created_by_id", sa.ForeignKey("users.id")),
    sa.Column("version", sa.Integer, nullable=False),
)

questionnaire_questions = sa.Table(
    "questionnaire_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("questionnaire_id", sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("kind", _enum(QuestionKind), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("options", sa.JSON, nullable=False, default=list),
)

questionnaire_assignments = sa.Table(
    "questionnaire_assignments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("questionnaire_id", sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), nullable=False),
    sa.Column("student_id", sa.ForeignKey("students.id", ondelete="CASCADE"), index=True),
    sa.Column("group_id", sa.ForeignKey("participant_groups.id", ondelete="CASCADE"), index=True),
    sa.Column("deadline", UTCDateTime),
    sa.Column("assigned_at", UTCDateTime),
    sa.Column("assigned_by_id", sa.ForeignKey("users.id")),
    sa.UniqueConstraint("questionnaire_id", "student_id", name="uq_questionnaire_assignments_questionnaire_student"),
    sa.UniqueConstraint("questionnaire_id", "group_id", name="uq_questionnaire_assignments_questionnaire_group"),
    sa.CheckConstraint("(student_id IS NULL) <> (group_id IS NULL)", name="student_or_group"),
)

questionnaire_responses = sa.Table(
    "questionnaire_responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("questionnaire_id", sa.ForeignKey("questionnaires.id"), nullable=False),
    sa.Column("student_id", sa.ForeignKey("students.id"), nullable=False, index=True),
    sa.Column("started_at", UTCDateTime),
    sa.Column("updated_at", UTCDateTime),
    sa.Column("submitted_at", UTCDateTime),
    sa.Column("version", sa.Integer, nullable=False),
    # One response per student: two first saves at once cannot both create one.
    sa.UniqueConstraint("questionnaire_id", "student_id", name="uq_questionnaire_responses_questionnaire_student"),
)

questionnaire_answers = sa.Table(
    "questionnaire_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("response_id", sa.ForeignKey("questionnaire_responses.id", ondelete="CASCADE"), nullable=False),
    sa.Column("question_id", sa.ForeignKey("questionnaire_questions.id"), nullable=False, index=True),
    sa.Column("text", sa.Text),
    sa.Column("choice", sa.Integer),
    sa.Column("scale", sa.SmallInteger),
    sa.UniqueConstraint("response_id", "question_id", name="uq_questionnaire_answers_response_question"),
    sa.CheckConstraint("scale IS NULL OR (scale >= 1 AND scale <= 5)", name="scale_1_to_5"),
)


# A counter per read model, raised by every committed write to the tables it reads, so that a
# cache in any process (or on any server) knows whether what it holds is still current.
data_versions = sa.Table(
    "data_versions",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
)
sa.event.listen(data_versions, "after_create", sa.DDL("INSERT INTO data_versions (name, version) VALUES ('examination', 1)"))


_started = False
_lock = threading.Lock()



def _owned(child: type, order_by: Any, *, passive_deletes: bool = False) -> Any:
    """The children an aggregate owns: loaded with it in one extra statement, saved and removed
    with it; ``passive_deletes`` leaves removing them to the database's ON DELETE CASCADE."""
    return relationship(child, order_by=order_by, cascade="all, delete-orphan", lazy="selectin",
                        passive_deletes=passive_deletes)

def start_mappers() -> None:
    """Map the attrs classes onto the tables and configure the mappers (once per process).

    Configuring here, while the app is built, matters: SQLAlchemy otherwise configures the
    mappers lazily on first use, and a fresh server worker that gets several requests at once
    can then see a half-configured mapper ('Mapper' object has no attribute 'primary_key')."""
    global _started
    with _lock:
        if _started:
            return
        _map()
        configure_mappers()
        _started = True


def _map() -> None:
    mapper_registry.map_imperatively(
        Organisation, organisations, version_id_col=organisations.c.version
    )
    mapper_registry.map_imperatively(User, users, version_id_col=users.c.version)
    mapper_registry.map_imperatively(UserToken, user_tokens)
    mapper_registry.map_imperatively(OutboxMessage, outbox)
    mapper_registry.map_imperatively(Programme, programmes, version_id_col=programmes.c.version)
    mapper_registry.map_imperatively(Module, modules)
    mapper_registry.map_imperatively(CoreTask, core_tasks)
    mapper_registry.map_imperatively(
        WorkProcess,
        work_processes,
        properties={"core_task": relationship(CoreTask, lazy="joined")},
    )
    mapper_registry.map_imperatively(
        Criterion,
        criteria,
        properties={"work_process": relationship(WorkProcess, lazy="joined")},
    )
    mapper_registry.map_imperatively(
        ExamPart,
        exam_parts,
        properties={
            "criteria": _owned(Criterion, criteria.c.position)
        },
    )
    mapper_registry.map_imperatively(
        Exam,
        exams,
        version_id_col=exams.c.version,
        properties={
            "justification_rule": exams.c.justification_scores,
            "parts": _owned(ExamPart, exam_parts.c.number),
            "core_tasks": _owned(CoreTask, core_tasks.c.position),
            "work_processes": _owned(WorkProcess, work_processes.c.position),
        },
    )
    mapper_registry.map_imperatively(
        ParticipantGroup, participant_groups, version_id_col=participant_groups.c.version
    )
    mapper_registry.map_imperatively(
        Student,
        students,
        version_id_col=students.c.version,
        properties={
            "user": relationship(User, foreign_keys=[students.c.user_id], lazy="joined"),
            "groups": relationship(
                ParticipantGroup, secondary=student_groups, collection_class=set, lazy="selectin"
            ),
        },
    )
    mapper_registry.map_imperatively(FaqItem, faq_items, version_id_col=faq_items.c.version)
    mapper_registry.map_imperatively(ImportSession, import_sessions, version_id_col=import_sessions.c.version)
    mapper_registry.map_imperatively(ImportMapping, import_mappings)
    mapper_registry.map_imperatively(PartPlanning, part_plannings, version_id_col=part_plannings.c.version)
    mapper_registry.map_imperatively(
        Attempt,
        attempts,
        version_id_col=attempts.c.version,
        properties={
            "plannings": _owned(PartPlanning, part_plannings.c.id, passive_deletes=True)
        },
    )
    mapper_registry.map_imperatively(CalendarFeed, calendar_feeds)
    mapper_registry.map_imperatively(CriterionScore, assessment_scores)
    mapper_registry.map_imperatively(AssessmentFile, assessment_files)
    mapper_registry.map_imperatively(
        Assessment,
        assessments,
        version_id_col=assessments.c.version,
        properties={
            "scores": _owned(CriterionScore, assessment_scores.c.criterion_id, passive_deletes=True),
            "files": _owned(AssessmentFile, assessment_files.c.id, passive_deletes=True),
        },
    )
    mapper_registry.map_imperatively(Correction, corrections)
    mapper_registry.map_imperatively(ImpersonationSession, impersonation_sessions)
    mapper_registry.map_imperatively(StaffContact, staff_contacts, version_id_col=staff_contacts.c.version)
    mapper_registry.map_imperatively(MessageRecipient, message_recipients)
    mapper_registry.map_imperatively(
        Message,
        messages,
        properties={
            "recipients": _owned(MessageRecipient, message_recipients.c.id, passive_deletes=True)
        },
    )
    mapper_registry.map_imperatively(Question, questionnaire_questions)
    mapper_registry.map_imperatively(
        Questionnaire,
        questionnaires,
        version_id_col=questionnaires.c.version,
        properties={
            "questions": _owned(Question, questionnaire_questions.c.position, passive_deletes=True)
        },
    )
    mapper_registry.map_imperatively(Assignment, questionnaire_assignments)
    mapper_registry.map_imperatively(Answer, questionnaire_answers)
    mapper_registry.map_imperatively(
        QuestionnaireResponse,
        questionnaire_responses,
        version_id_col=questionnaire_responses.c.version,
        properties={
            "answers": _owned(Answer, questionnaire_answers.c.id, passive_deletes=True)
        },
    )
