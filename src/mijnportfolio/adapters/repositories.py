"""SQLAlchemy repositories. They never commit: the unit of work does."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mijnportfolio.application.ports.portal import ImpersonationLogPage, ImpersonationLogRow, page_count
from mijnportfolio.domain.account import StaffContact
from mijnportfolio.domain.catalogue import Exam, Module, Programme
from mijnportfolio.domain.impersonation import ImpersonationSession
from mijnportfolio.domain.faq import FaqItem
from mijnportfolio.domain.imports import ImportMapping, ImportSession
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.messages import Correspondent, Message
from mijnportfolio.domain.organisations import Organisation, User
from mijnportfolio.domain.questionnaires import Assignment, Questionnaire, QuestionnaireResponse
from mijnportfolio.domain.students import ParticipantGroup, Student
from mijnportfolio.domain.examination.assessment import Assessment, Correction
from mijnportfolio.domain.examination.conflicts import Booking
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.tokens import CalendarFeed, UserToken
from mijnportfolio.domain.values import display_name, search_text

from mijnportfolio.application.ports.messages import MessageCounts

from . import orm
from . import queries_messages


class _Base:
    model: type

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item) -> None:
        self.session.add(item)

    def get(self, item_id):
        return self.session.get(self.model, item_id)

    def delete(self, item) -> None:
        self.session.delete(item)


class SqlAlchemyOrganisationRepository(_Base):
    model = Organisation

    def get_by_name(self, name: str) -> Organisation | None:
        return self.session.scalars(
            sa.select(Organisation).where(sa.func.lower(orm.organisations.c.name) == name.strip().lower())
        ).first()

    def list(self) -> Sequence[Organisation]:
        return self.session.scalars(sa.select(Organisation).order_by(orm.organisations.c.name)).all()


class SqlAlchemyUserRepository(_Base):
    model = User

    def get_by_email(self, email: str) -> User | None:
        return self.session.scalars(
            sa.select(User).where(orm.users.c.email == email.strip().lower())
        ).first()

    def list_by_ids(self, user_ids: Iterable[int]) -> Sequence[User]:
        ids = list(set(user_ids))
        if not ids:
            return []
        return self.session.scalars(sa.select(User).where(orm.users.c.id.in_(ids))).all()

    def record_login(self, user_id: int, at: dt.datetime, *, password_hash: str | None = None) -> None:
        values: dict[str, object] = {"last_login_at": at}
        if password_hash is not None:
            values["password_hash"] = password_hash
        self.session.execute(sa.update(orm.users).where(orm.users.c.id == user_id).values(**values))


class SqlAlchemyTokenRepository(_Base):
    model = UserToken

    def get_by_hash(self, token_hash: str) -> UserToken | None:
        return self.session.scalars(
            sa.select(UserToken).where(orm.user_tokens.c.token_hash == token_hash)
        ).first()


class SqlAlchemyOutboxRepository(_Base):
    model = OutboxMessage

    def due(self, now: dt.datetime, limit: int) -> Sequence[OutboxMessage]:
        t = orm.outbox.c
        query = (
            sa.select(OutboxMessage)
            .where(t.sent_at.is_(None))
            .where(sa.or_(t.next_attempt_at.is_(None), t.next_attempt_at <= now))
            .order_by(t.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            # Two senders running at once never deliver the same message twice.
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def pending_count(self) -> int:
        return self.session.scalar(
            sa.select(sa.func.count()).select_from(orm.outbox).where(orm.outbox.c.sent_at.is_(None))
        ) or 0


class SqlAlchemyProgrammeRepository(_Base):
    model = Programme

    def get_by_crebo(self, crebo: str) -> Programme | None:
        return self.session.scalars(sa.select(Programme).where(orm.programmes.c.crebo == crebo)).first()

    def list(self) -> Sequence[Programme]:
        return self.session.scalars(sa.select(Programme).order_by(orm.programmes.c.name)).all()

    def student_count(self, programme_id: int) -> int:
        return self.session.scalar(
            sa.select(sa.func.count()).select_from(orm.students).where(orm.students.c.programme_id == programme_id)
        ) or 0


class SqlAlchemyModuleRepository(_Base):
    model = Module

    def list_for_programme(self, programme_id: int) -> Sequence[Module]:
        return self.session.scalars(
            sa.select(Module)
            .where(orm.modules.c.programme_id == programme_id)
            .order_by(orm.modules.c.position, orm.modules.c.name)
        ).all()


class SqlAlchemyExamRepository(_Base):
    model = Exam

    def get_by_code(self, programme_id: int, code: str) -> Exam | None:
        return self.session.scalars(
            sa.select(Exam).where(orm.exams.c.programme_id == programme_id, orm.exams.c.code == code)
        ).first()

    def list_for_programme(self, programme_id: int) -> Sequence[Exam]:
        return self.session.scalars(
            sa.select(Exam)
            .where(orm.exams.c.programme_id == programme_id)
            .order_by(orm.exams.c.position, orm.exams.c.code)
        ).all()


class SqlAlchemyStudentRepository(_Base):
    model = Student

    def get_by_number(self, organisation_id: int, student_number: str) -> Student | None:
        return self.session.scalars(
            sa.select(Student).where(
                orm.students.c.organisation_id == organisation_id,
                orm.students.c.student_number == student_number,
            )
        ).first()

    def get_by_user_id(self, user_id: int) -> Student | None:
        return self.session.scalars(sa.select(Student).where(orm.students.c.user_id == user_id)).first()

    def list_by_ids(self, student_ids: Iterable[int]) -> Sequence[Student]:
        ids = list(set(student_ids))
        found: list[Student] = []
        # Chunked: SQLite limits the number of bound parameters in one statement (bulk actions
        # on "all matching students" may name thousands).
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            found.extend(
                self.session.scalars(sa.select(Student).where(orm.students.c.id.in_(chunk))).unique().all()
            )
        return found

    def list_by_numbers(self, organisation_id: int, numbers: Iterable[str]) -> Sequence[Student]:
        wanted = list(set(numbers))
        found: list[Student] = []
        # Chunked: SQLite limits the number of bound parameters in one statement.
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            found.extend(
                self.session.scalars(
                    sa.select(Student).where(
                        orm.students.c.organisation_id == organisation_id,
                        orm.students.c.student_number.in_(chunk),
                    )
                ).unique().all()
            )
        return found


class SqlAlchemyGroupRepository(_Base):
    model = ParticipantGroup

    def get_by_name(self, organisation_id: int, name: str) -> ParticipantGroup | None:
        return self.session.scalars(
            sa.select(ParticipantGroup).where(
                orm.participant_groups.c.organisation_id == organisation_id,
                sa.func.lower(orm.participant_groups.c.name) == name.strip().lower(),
            )
        ).first()

    def list_for_organisation(self, organisation_id: int) -> Sequence[ParticipantGroup]:
        t = orm.participant_groups.c
        return self.session.scalars(
            sa.select(ParticipantGroup)
            .where(t.organisation_id == organisation_id)
            .order_by(t.category, t.name)
        ).all()

    def member_count(self, group_id: int) -> int:
        return self.session.scalar(
            sa.select(sa.func.count())
            .select_from(orm.student_groups)
            .where(orm.student_groups.c.group_id == group_id)
        ) or 0


class SqlAlchemyFaqRepository(_Base):
    model = FaqItem

    def list(self) -> Sequence[FaqItem]:
        return self.session.scalars(
            sa.select(FaqItem).order_by(orm.faq_items.c.position, orm.faq_items.c.id)
        ).all()


class SqlAlchemyImportSessionRepository(_Base):
    model = ImportSession

    def older_than(self, moment: dt.datetime) -> Sequence[ImportSession]:
        return self.session.scalars(
            sa.select(ImportSession).where(orm.import_sessions.c.updated_at < moment)
        ).all()


class SqlAlchemyImportMappingRepository(_Base):
    model = ImportMapping


class SqlAlchemyAttemptRepository(_Base):
    model = Attempt

    def latest(self, student_id: int, exam_id: int) -> Attempt | None:
        a = orm.attempts.c
        return self.session.scalars(
            sa.select(Attempt).where(a.student_id == student_id, a.exam_id == exam_id).order_by(a.number.desc()).limit(1)
        ).first()

    def for_student(self, student_id: int) -> Sequence[Attempt]:
        a = orm.attempts.c
        return self.session.scalars(
            sa.select(Attempt).where(a.student_id == student_id).order_by(a.exam_id, a.number)
        ).all()

    def by_planning(self, planning_id: int) -> Attempt | None:
        p = orm.part_plannings.c
        return self.session.scalars(
            sa.select(Attempt).join(orm.part_plannings, p.attempt_id == orm.attempts.c.id).where(p.id == planning_id)
        ).first()

    def exists_for_exam(self, exam_id: int) -> bool:
        return self.session.scalar(
            sa.select(sa.exists().where(orm.attempts.c.exam_id == exam_id))
        ) is True

    def examiner_ids_of_student(self, student_id: int) -> frozenset[int]:
        a, p = orm.attempts.c, orm.part_plannings.c
        rows = self.session.execute(
            sa.select(p.examiner1_id, p.examiner2_id)
            .join(orm.attempts, a.id == p.attempt_id)
            .where(a.student_id == student_id)
        ).all()
        return frozenset(i for row in rows for i in row if i is not None)

    def bookings(
        self, start: dt.datetime, end: dt.datetime, *, examiner_ids: Iterable[int], student_id: int,
        locations: Iterable[str],
    ) -> Sequence[Booking]:
        a, p, ep, e, u = orm.attempts.c, orm.part_plannings.c, orm.exam_parts.c, orm.exams.c, orm.users.c
        examiners = list(set(examiner_ids))
        places = sorted({" ".join(loc.lower().split()) for loc in locations if loc})
        who = [a.student_id == student_id]
        if examiners:
            who += [p.examiner1_id.in_(examiners), p.examiner2_id.in_(examiners)]
        if places:
            who.append(sa.func.lower(p.location).in_(places))
        # An end before the start counts as the start itself; a little margin keeps the window simple.
        query = (
            sa.select(
                p.id, p.attempt_id, a.student_id, u.first_name, u.infix, u.last_name, e.code, ep.number,
                p.starts_at, p.ends_at, p.location, p.examiner1_id, p.examiner2_id,
            )
            .select_from(
                orm.part_plannings.join(orm.attempts, a.id == p.attempt_id)
                .join(orm.exam_parts, ep.id == p.part_id)
                .join(orm.exams, e.id == a.exam_id)
                .join(orm.students, orm.students.c.id == a.student_id)
                .join(orm.users, u.id == orm.students.c.user_id)
            )
            .where(p.starts_at < end + dt.timedelta(minutes=1), p.ends_at >= start - dt.timedelta(days=1), sa.or_(*who))
        )
        return [
            Booking(
                planning_id=r.id, attempt_id=r.attempt_id, student_id=r.student_id,
                student_name=display_name(r.first_name, r.infix, r.last_name), exam_code=r.code, part_number=r.number,
                starts_at=r.starts_at, ends_at=r.ends_at, location=r.location,
                examiner_ids=frozenset(i for i in (r.examiner1_id, r.examiner2_id) if i is not None),
            )
            for r in self.session.execute(query)
        ]


class SqlAlchemyCalendarFeedRepository(_Base):
    model = CalendarFeed

    def get_by_hash(self, token_hash: str) -> CalendarFeed | None:
        return self.session.scalars(
            sa.select(CalendarFeed).where(orm.calendar_feeds.c.token_hash == token_hash)
        ).first()


class SqlAlchemyAssessmentRepository(_Base):
    model = Assessment

    def for_planning(self, planning_id: int) -> Sequence[Assessment]:
        t = orm.assessments.c
        return self.session.scalars(sa.select(Assessment).where(t.planning_id == planning_id).order_by(t.id)).all()

    def for_plannings(self, planning_ids: Sequence[int]) -> Sequence[Assessment]:
        ids = list(set(planning_ids))
        if not ids:
            return []
        t = orm.assessments.c
        return self.session.scalars(sa.select(Assessment).where(t.planning_id.in_(ids)).order_by(t.id)).all()

    def by_file(self, file_id: int) -> Assessment | None:
        f = orm.assessment_files.c
        return self.session.scalars(
            sa.select(Assessment).join(orm.assessment_files, f.assessment_id == orm.assessments.c.id).where(f.id == file_id)
        ).first()


class SqlAlchemyCorrectionRepository(_Base):
    model = Correction

    def for_assessments(self, assessment_ids: Sequence[int]) -> Sequence[Correction]:
        ids = list(set(assessment_ids))
        if not ids:
            return []
        t = orm.corrections.c
        return self.session.scalars(sa.select(Correction).where(t.assessment_id.in_(ids)).order_by(t.corrected_at, t.id)).all()


# -- the student portal: looking along and the staff's contact details ---------------------------


class SqlAlchemyImpersonationSessionRepository(_Base):
    model = ImpersonationSession

    def log_page(self, q: str | None, page: int, per_page: int) -> ImpersonationLogPage:
        t = orm.impersonation_sessions.c
        staff = orm.users.alias("staff")
        student_user = orm.users.alias("student_user")
        s = orm.students.c
        joined = (
            orm.impersonation_sessions.join(staff, staff.c.id == t.staff_user_id)
            .join(orm.students, s.id == t.student_id)
            .join(student_user, student_user.c.id == s.user_id)
        )
        conditions = []
        for word in search_text((q or "").strip()).split()[:8]:
            conditions.append(
                sa.or_(
                    staff.c.sort_name.contains(word, autoescape=True),
                    staff.c.email.contains(word, autoescape=True),
                    student_user.c.sort_name.contains(word, autoescape=True),
                    student_user.c.email.contains(word, autoescape=True),
                    sa.func.lower(s.student_number).contains(word, autoescape=True),
                )
            )
        total = self.session.scalar(sa.select(sa.func.count()).select_from(joined).where(*conditions)) or 0
        pages = page_count(total, per_page)
        page = min(max(1, page), pages)
        query = (
            sa.select(
                t.id, t.student_id, t.started_at, t.expires_at, t.ended_at, t.end_reason,
                staff.c.first_name.label("staff_first"), staff.c.infix.label("staff_infix"),
                staff.c.last_name.label("staff_last"), staff.c.email.label("staff_email"), staff.c.role.label("staff_role"),
                student_user.c.first_name, student_user.c.infix, student_user.c.last_name, s.student_number,
            )
            .select_from(joined)
            .where(*conditions)
            .order_by(t.started_at.desc(), t.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        rows = tuple(
            ImpersonationLogRow(
                id=r.id, staff_name=display_name(r.staff_first, r.staff_infix, r.staff_last) or r.staff_email,
                staff_email=r.staff_email, staff_role=str(getattr(r.staff_role, "value", r.staff_role)),
                student_id=r.student_id, student_name=display_name(r.first_name, r.infix, r.last_name),
                student_number=r.student_number, started_at=r.started_at, expires_at=r.expires_at,
                ended_at=r.ended_at, end_reason=r.end_reason,
            )
            for r in self.session.execute(query)
        )
        return ImpersonationLogPage(rows=rows, total=total, page=page, pages=pages)


class SqlAlchemyStaffContactRepository(_Base):
    model = StaffContact


class SqlAlchemyMessageRepository(_Base):
    model = Message

    def in_thread(self, thread_id: int) -> Sequence[Message]:
        t = orm.messages.c
        return self.session.scalars(
            sa.select(Message).where(sa.or_(t.id == thread_id, t.thread_id == thread_id)).order_by(t.sent_at, t.id)
        ).all()

    def correspondents(self, user_ids: Iterable[int]) -> Sequence[Correspondent]:
        ids = sorted(set(user_ids))
        found: list[Correspondent] = []
        for start in range(0, len(ids), 900):  # SQLite limits the bound parameters of one statement
            chunk = ids[start : start + 900]
            found.extend(queries_messages.load_correspondents(self.session, orm.users.c.id.in_(chunk)))
        return found

    def group_member_user_ids(self, group_id: int) -> Sequence[int]:
        return queries_messages.group_member_user_ids(self.session, group_id)

    def counts(self, user_id: int) -> MessageCounts:
        return queries_messages.counts_of(self.session, user_id)


class SqlAlchemyQuestionnaireRepository(_Base):
    model = Questionnaire

    def is_answered(self, questionnaire_id: int) -> bool:
        t = orm.questionnaire_responses.c
        return self.session.scalar(sa.select(sa.exists().where(t.questionnaire_id == questionnaire_id))) is True


class SqlAlchemyQuestionnaireAssignmentRepository(_Base):
    model = Assignment

    def for_questionnaire(self, questionnaire_id: int) -> Sequence[Assignment]:
        t = orm.questionnaire_assignments.c
        return self.session.scalars(
            sa.select(Assignment).where(t.questionnaire_id == questionnaire_id).order_by(t.id)
        ).all()

    def for_student(self, questionnaire_id: int, student_id: int, group_ids: Iterable[int]) -> Sequence[Assignment]:
        t = orm.questionnaire_assignments.c
        groups = sorted(set(group_ids))
        target = t.student_id == student_id
        if groups:
            target = sa.or_(target, t.group_id.in_(groups))
        return self.session.scalars(
            sa.select(Assignment).where(t.questionnaire_id == questionnaire_id, target).order_by(t.id)
        ).all()


class SqlAlchemyQuestionnaireResponseRepository(_Base):
    model = QuestionnaireResponse

    def of_student(self, questionnaire_id: int, student_id: int) -> QuestionnaireResponse | None:
        t = orm.questionnaire_responses.c
        return self.session.scalars(
            sa.select(QuestionnaireResponse).where(t.questionnaire_id == questionnaire_id, t.student_id == student_id)
        ).first()
