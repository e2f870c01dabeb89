"""In-memory fakes of the ports, for use-case tests without Flask or SQLAlchemy."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from typing import Iterable


class FakeClock:
    def __init__(self, moment: dt.datetime | None = None) -> None:
        self.moment = moment or dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


class FakePasswordHasher:
    def hash(self, password: str) -> str:
        return "fake$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "fake$" + password

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeMailer:
    def __init__(self) -> None:
        self.sent = []
        self.fail_with: Exception | None = None

    def send(self, message) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)


class FakeFileStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1)

    def save(self, data: bytes, *, suffix: str = "") -> str:
        key = f"file{next(self._ids)}{suffix}"
        self.files[key] = data
        return key

    def open(self, key: str):
        import io

        return io.BytesIO(self.files[key])

    def read(self, key: str) -> bytes:
        return self.files[key]

    def delete(self, key: str) -> None:
        self.files.pop(key, None)


class _Store:
    """The committed state behind all fake units of work made by one factory (the 'database')."""

    def __init__(self) -> None:
        self.tables: dict[str, dict] = {}
        self.ids = itertools.count(1)


class FakeRepository:
    """A dict of objects by id; ids are given on add (like a flush).

    It works on its unit of work's private copy of the tables: what a use case changes counts
    only once it commits, as in a real database."""

    key_attr = "id"

    def __init__(self, uow: "FakeUnitOfWork", name: str) -> None:
        self.uow = uow
        self.name = name
        self.store = uow.store

    @property
    def rows(self) -> dict:
        return self.uow.working.setdefault(self.name, {})

    def add(self, item) -> None:
        if getattr(item, self.key_attr, None) is None:
            setattr(item, self.key_attr, next(self.store.ids))
        self.rows[getattr(item, self.key_attr)] = item

    def get(self, item_id):
        return self.rows.get(item_id)

    def delete(self, item) -> None:
        self.rows.pop(getattr(item, self.key_attr), None)

    def all(self) -> list:
        return list(self.rows.values())


class FakeOrganisationRepository(FakeRepository):
    def get_by_name(self, name: str):
        return next((o for o in self.rows.values() if o.name.lower() == name.strip().lower()), None)

    def list(self):
        return sorted(self.rows.values(), key=lambda o: o.name)


class FakeUserRepository(FakeRepository):
    def get_by_email(self, email: str):
        return next((u for u in self.rows.values() if u.email == email.strip().lower()), None)

    def list_by_ids(self, user_ids: Iterable[int]):
        return [self.rows[i] for i in set(user_ids) if i in self.rows]

    def record_login(self, user_id: int, at, *, password_hash=None) -> None:
        user = self.rows[user_id]
        user.last_login_at = at
        if password_hash is not None:
            user.password_hash = password_hash


class FakeTokenRepository(FakeRepository):
    def get_by_hash(self, token_hash: str):
        return next((t for t in self.rows.values() if t.token_hash == token_hash), None)


class FakeOutboxRepository(FakeRepository):
    def due(self, now, limit):
        due = [m for m in self.rows.values() if m.sent_at is None and (m.next_attempt_at is None or m.next_attempt_at <= now)]
        return sorted(due, key=lambda m: m.id)[:limit]

    def pending_count(self) -> int:
        return sum(1 for m in self.rows.values() if m.sent_at is None)


class FakeProgrammeRepository(FakeRepository):
    def get_by_crebo(self, crebo: str):
        return next((p for p in self.rows.values() if p.crebo == crebo), None)

    def list(self):
        return sorted(self.rows.values(), key=lambda p: p.name)

    def student_count(self, programme_id: int) -> int:
        return sum(1 for s in self.store.tables.get("students", {}).values() if s.programme_id == programme_id)


class FakeModuleRepository(FakeRepository):
    def list_for_programme(self, programme_id: int):
        return sorted((m for m in self.rows.values() if m.programme_id == programme_id), key=lambda m: (m.position, m.name))


class FakeExamRepository(FakeRepository):
    def add(self, exam) -> None:
        super().add(exam)
        # Like a flush: the parts, criteria and structure of a new exam get ids too (the structure
        # editor's tests set their own).
        for child in [*exam.parts, *exam.core_tasks, *exam.work_processes, *exam.criteria()]:
            if child.id is None:
                child.id = next(self.store.ids)
        for part in exam.parts:
            part.exam_id = exam.id
            for criterion in part.criteria:
                criterion.part_id = part.id

    def get_by_code(self, programme_id: int, code: str):
        return next((e for e in self.rows.values() if e.programme_id == programme_id and e.code == code), None)

    def list_for_programme(self, programme_id: int):
        return sorted((e for e in self.rows.values() if e.programme_id == programme_id), key=lambda e: (e.position, e.code))


class FakeStudentRepository(FakeRepository):
    def get_by_number(self, organisation_id: int, student_number: str):
        return next(
            (s for s in self.rows.values() if s.organisation_id == organisation_id and s.student_number == student_number),
            None,
        )

    def get_by_user_id(self, user_id: int):
        return next((s for s in self.rows.values() if s.user.id == user_id), None)

    def list_by_ids(self, student_ids: Iterable[int]):
        return [self.rows[i] for i in set(student_ids) if i in self.rows]

    def list_by_numbers(self, organisation_id: int, numbers: Iterable[str]):
        wanted = set(numbers)
        return [s for s in self.rows.values() if s.organisation_id == organisation_id and s.student_number in wanted]


class FakeGroupRepository(FakeRepository):
    def __init__(self, uow: "FakeUnitOfWork", name: str, students: FakeStudentRepository) -> None:
        super().__init__(uow, name)
        self.students = students

    def get_by_name(self, organisation_id: int, name: str):
        return next(
            (g for g in self.rows.values() if g.organisation_id == organisation_id and g.name.lower() == name.strip().lower()),
            None,
        )

    def list_for_organisation(self, organisation_id: int):
        return sorted(
            (g for g in self.rows.values() if g.organisation_id == organisation_id),
            key=lambda g: (g.category or "", g.name),
        )

    def member_count(self, group_id: int) -> int:
        return sum(1 for s in self.students.rows.values() if any(g.id == group_id for g in s.groups))


class FakeFaqRepository(FakeRepository):
    def list(self):
        return sorted(self.rows.values(), key=lambda f: (f.position, f.id))


class FakeImportSessionRepository(FakeRepository):
    def older_than(self, moment):
        return [s for s in self.rows.values() if s.updated_at < moment]


class FakeImportMappingRepository(FakeRepository):
    key_attr = "organisation_id"


class FakeAttemptRepository(FakeRepository):
    """Attempts with their plannings; plannings get ids when their attempt is added or listed."""

    def _number_plannings(self) -> None:
        for attempt in self.rows.values():
            for planning in attempt.plannings:
                if planning.id is None:
                    planning.id = next(self.store.ids)
                planning.attempt_id = attempt.id

    def add(self, attempt) -> None:
        super().add(attempt)
        self._number_plannings()

    def check_unique(self) -> None:
        """The database's unique (student, exam, number): a second attempt with a number fails."""
        from mijnportfolio.domain.errors import ConflictingWrite

        seen = set()
        for attempt in self.rows.values():
            key = (attempt.student_id, attempt.exam_id, attempt.number)
            if key in seen:
                raise ConflictingWrite()
            seen.add(key)

    def get(self, attempt_id):
        self._number_plannings()
        return super().get(attempt_id)

    def latest(self, student_id: int, exam_id: int):
        mine = [a for a in self.rows.values() if a.student_id == student_id and a.exam_id == exam_id]
        self._number_plannings()
        return max(mine, key=lambda a: a.number, default=None)

    def for_student(self, student_id: int):
        self._number_plannings()
        return sorted((a for a in self.rows.values() if a.student_id == student_id), key=lambda a: (a.exam_id, a.number))

    def by_planning(self, planning_id: int):
        self._number_plannings()
        return next((a for a in self.rows.values() if any(p.id == planning_id for p in a.plannings)), None)

    def exists_for_exam(self, exam_id: int) -> bool:
        return any(a.exam_id == exam_id for a in self.rows.values())

    def examiner_ids_of_student(self, student_id: int) -> frozenset[int]:
        return frozenset(i for a in self.rows.values() if a.student_id == student_id for i in a.examiner_ids())

    def bookings(self, start, end, *, examiner_ids, student_id, locations):
        from mijnportfolio.domain.examination.conflicts import Booking

        self._number_plannings()
        examiners, places = set(examiner_ids), {" ".join(x.lower().split()) for x in locations if x}
        found = []
        for attempt in self.rows.values():
            student = self.uow.students.get(attempt.student_id)
            exam = self.uow.exams.get(attempt.exam_id)
            for p in attempt.plannings:
                if p.starts_at >= end + dt.timedelta(minutes=1) or p.ends_at < start - dt.timedelta(days=1):
                    continue
                if not (attempt.student_id == student_id or p.examiner_ids() & examiners
                        or (p.location and " ".join(p.location.lower().split()) in places)):
                    continue
                part = next((x for x in exam.parts if x.id == p.part_id), None) if exam else None
                found.append(Booking(
                    planning_id=p.id, attempt_id=attempt.id, student_id=attempt.student_id,
                    student_name=student.full_name if student else "", exam_code=exam.code if exam else "",
                    part_number=part.number if part else 0, starts_at=p.starts_at, ends_at=p.ends_at,
                    location=p.location, examiner_ids=frozenset(p.examiner_ids()),
                ))
        return found


class FakeAssessmentRepository(FakeRepository):
    def _number_children(self) -> None:
        for assessment in self.rows.values():
            for score in assessment.scores:
                score.assessment_id = assessment.id
            for file in assessment.files:
                if file.id is None:
                    file.id = next(self.store.ids)
                file.assessment_id = assessment.id

    def add(self, assessment) -> None:
        super().add(assessment)
        self._number_children()

    def for_planning(self, planning_id: int):
        self._number_children()
        return sorted((a for a in self.rows.values() if a.planning_id == planning_id), key=lambda a: a.id)

    def for_plannings(self, planning_ids):
        wanted = set(planning_ids)
        self._number_children()
        return sorted((a for a in self.rows.values() if a.planning_id in wanted), key=lambda a: a.id)

    def by_file(self, file_id: int):
        self._number_children()
        return next((a for a in self.rows.values() if any(f.id == file_id for f in a.files)), None)


class FakeCorrectionRepository(FakeRepository):
    def for_assessments(self, assessment_ids):
        wanted = set(assessment_ids)
        return sorted((c for c in self.rows.values() if c.assessment_id in wanted), key=lambda c: (c.corrected_at, c.id))


class FakeFileInspector:
    """Believes a file's first bytes: b'%PDF' is a PDF, anything else is refused."""

    def inspect(self, data: bytes, filename: str):
        from mijnportfolio.application.ports.assessment import FileCheck

        if data.startswith(b"%PDF-"):
            return FileCheck("application/pdf", "PDF-document")
        return FileCheck(None, "Dit bestandstype wordt niet geaccepteerd: alleen PDF, afbeeldingen en Office-documenten.")


class FakeCalendarFeedRepository(FakeRepository):
    key_attr = "user_id"

    def get_by_hash(self, token_hash: str):
        return next((f for f in self.rows.values() if f.token_hash == token_hash), None)


class FakeCalendarWriter:
    """Writes a readable stand-in for an iCalendar file, one line per event."""

    def write(self, method: str, events, *, name: str = "") -> bytes:
        lines = [f"METHOD:{method}"] + [
            f"EVENT {e.uid} SEQ {e.sequence} {e.starts_at.isoformat()} {e.summary}" for e in events
        ]
        return "\n".join(lines).encode()



class FakeImpersonationSessionRepository(FakeRepository):
    """Sessions of looking along; the log reads names from the fake users and students."""

    def log_page(self, q, page: int, per_page: int):
        from mijnportfolio.application.ports.portal import ImpersonationLogPage, ImpersonationLogRow, page_count
        from mijnportfolio.domain.values import search_text

        rows = []
        for record in self.rows.values():
            staff = self.uow.users.get(record.staff_user_id)
            student = self.uow.students.get(record.student_id)
            haystack = search_text(
                staff.sort_name, staff.email, student.user.sort_name, student.user.email, student.student_number
            )
            if not all(word in haystack for word in search_text((q or "").strip()).split()):
                continue
            rows.append(ImpersonationLogRow(
                id=record.id, staff_name=staff.full_name, staff_email=staff.email, staff_role=staff.role.value,
                student_id=student.id, student_name=student.full_name, student_number=student.student_number,
                started_at=record.started_at, expires_at=record.expires_at, ended_at=record.ended_at,
                end_reason=record.end_reason,
            ))
        rows.sort(key=lambda r: (r.started_at, r.id), reverse=True)
        pages = page_count(len(rows), per_page)
        page = min(max(1, page), pages)
        return ImpersonationLogPage(
            rows=tuple(rows[(page - 1) * per_page : page * per_page]), total=len(rows), page=page, pages=pages
        )


class FakeStaffContactRepository(FakeRepository):
    key_attr = "user_id"


class FakeMessageRepository(FakeRepository):
    """Messages with their recipients; facts of correspondents from the fake users and students."""

    def _number_recipients(self) -> None:
        for message in self.rows.values():
            for recipient in message.recipients:
                if recipient.id is None:
                    recipient.id = next(self.store.ids)
                recipient.message_id = message.id

    def add(self, message) -> None:
        super().add(message)
        self._number_recipients()

    def in_thread(self, thread_id: int):
        return sorted(
            (m for m in self.rows.values() if m.id == thread_id or m.thread_id == thread_id),
            key=lambda m: (m.sent_at, m.id),
        )

    def correspondents(self, user_ids):
        from mijnportfolio.domain.messages import Correspondent

        found = []
        for user in sorted(self.uow.users.list_by_ids(user_ids), key=lambda u: (u.sort_name, u.id)):
            student = self.uow.students.get_by_user_id(user.id)
            facts = student.facts(self.uow.attempts.examiner_ids_of_student(student.id)) if student else None
            found.append(Correspondent(
                user_id=user.id, role=user.role, organisation_id=user.organisation_id, name=user.full_name,
                email=user.email, active=user.active, student=facts,
            ))
        return found

    def group_member_user_ids(self, group_id: int):
        return sorted(
            s.user.id for s in self.uow.students.all() if s.active and any(g.id == group_id for g in s.groups)
        )

    def counts(self, user_id: int):
        from mijnportfolio.application.ports.messages import MessageCounts

        mine = [m.recipient(user_id) for m in self.rows.values() if m.recipient(user_id) is not None]
        return MessageCounts(new=sum(1 for r in mine if r.read_at is None), total=len(mine))


class FakeQuestionnaireRepository(FakeRepository):
    def _number_questions(self) -> None:
        for questionnaire in self.rows.values():
            for question in questionnaire.questions:
                if question.id is None:
                    question.id = next(self.store.ids)
                question.questionnaire_id = questionnaire.id

    def add(self, questionnaire) -> None:
        super().add(questionnaire)
        self._number_questions()

    def is_answered(self, questionnaire_id: int) -> bool:
        return any(r.questionnaire_id == questionnaire_id for r in self.uow.questionnaire_responses.all())


class FakeQuestionnaireAssignmentRepository(FakeRepository):
    def for_questionnaire(self, questionnaire_id: int):
        return sorted((a for a in self.rows.values() if a.questionnaire_id == questionnaire_id), key=lambda a: a.id)

    def for_student(self, questionnaire_id: int, student_id: int, group_ids):
        groups = set(group_ids)
        return sorted(
            (a for a in self.rows.values() if a.questionnaire_id == questionnaire_id
             and (a.student_id == student_id or (a.group_id is not None and a.group_id in groups))),
            key=lambda a: a.id,
        )


class FakeQuestionnaireResponseRepository(FakeRepository):
    def _number_answers(self) -> None:
        for response in self.rows.values():
            for answer in response.answers:
                if answer.id is None:
                    answer.id = next(self.store.ids)
                answer.response_id = response.id

    def add(self, response) -> None:
        super().add(response)
        self._number_answers()

    def of_student(self, questionnaire_id: int, student_id: int):
        return next(
            (r for r in self.rows.values() if r.questionnaire_id == questionnaire_id and r.student_id == student_id),
            None,
        )


class FakeUnitOfWork:
    """One transaction on the in-memory store: changes are made on a private copy of the
    tables and become visible to others (and to the tests' ``store.tables``) only on
    ``commit()``; leaving without a commit throws them away. A use case that forgets to commit
    therefore loses its changes, as it would on a real database."""

    def __init__(self, store: _Store | None = None) -> None:
        self.store = store or _Store()
        self.working: dict[str, dict] = {}
        self.organisations = FakeOrganisationRepository(self, "organisations")
        self.users = FakeUserRepository(self, "users")
        self.tokens = FakeTokenRepository(self, "tokens")
        self.outbox = FakeOutboxRepository(self, "outbox")
        self.programmes = FakeProgrammeRepository(self, "programmes")
        self.modules = FakeModuleRepository(self, "modules")
        self.exams = FakeExamRepository(self, "exams")
        self.students = FakeStudentRepository(self, "students")
        self.groups = FakeGroupRepository(self, "groups", self.students)
        self.faq = FakeFaqRepository(self, "faq")
        self.import_sessions = FakeImportSessionRepository(self, "import_sessions")
        self.import_mappings = FakeImportMappingRepository(self, "import_mappings")
        self.attempts = FakeAttemptRepository(self, "attempts")
        self.calendar_feeds = FakeCalendarFeedRepository(self, "calendar_feeds")
        self.assessments = FakeAssessmentRepository(self, "assessments")
        self.corrections = FakeCorrectionRepository(self, "corrections")
        self.impersonations = FakeImpersonationSessionRepository(self, "impersonations")
        self.staff_contacts = FakeStaffContactRepository(self, "staff_contacts")
        self.messages = FakeMessageRepository(self, "messages")
        self.questionnaires = FakeQuestionnaireRepository(self, "questionnaires")
        self.questionnaire_assignments = FakeQuestionnaireAssignmentRepository(self, "questionnaire_assignments")
        self.questionnaire_responses = FakeQuestionnaireResponseRepository(self, "questionnaire_responses")
        self.student_import = FakeStudentImportStore(self)
        self.committed = 0
        self.rolled_back = 0
        self._begin()

    def _begin(self) -> None:
        # One deepcopy of all tables keeps references between objects (a student's user and
        # groups) pointing into the same copy.
        self.working = copy.deepcopy(self.store.tables)

    def __enter__(self):
        self._begin()
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    def commit(self) -> None:
        self.flush()
        # The committed state is a copy: later changes in this unit of work (which keeps
        # working on its own objects, as a session does) count only at the next commit.
        self.store.tables.clear()
        self.store.tables.update(copy.deepcopy(self.working))
        self.committed += 1

    def rollback(self) -> None:
        self._begin()
        self.rolled_back += 1

    def flush(self) -> None:
        # Like a real flush: new children get their ids and unique constraints are checked.
        self.attempts._number_plannings()
        self.assessments._number_children()
        self.attempts.check_unique()
        self.messages._number_recipients()
        self.questionnaires._number_questions()
        self.questionnaire_responses._number_answers()


class FakeUnitOfWorkFactory:
    """Every call shares one in-memory store, like units of work share a database."""

    def __init__(self) -> None:
        self.store = _Store()
        self.made: list[FakeUnitOfWork] = []

    def __call__(self) -> FakeUnitOfWork:
        uow = FakeUnitOfWork(self.store)
        self.made.append(uow)
        return uow

    @property
    def commits(self) -> int:
        return sum(u.committed for u in self.made)

    def setup(self) -> FakeUnitOfWork:
        """A unit of work for a test's own setup: its commits are not counted in ``commits``."""
        return FakeUnitOfWork(self.store)


class FakeStudentImportStore:
    """The import's bulk port on top of the fake repositories (one object per row, in memory)."""

    def __init__(self, uow: "FakeUnitOfWork") -> None:
        self.uow = uow

    def programmes(self):
        return [(p.id, p.name, p.crebo) for p in self.uow.programmes.all()]

    def staff(self, organisation_id: int):
        from mijnportfolio.application.ports.imports import StaffRecord
        from mijnportfolio.domain.organisations import Role

        return [
            StaffRecord(u.id, u.email, u.first_name, u.infix, u.last_name, u.role.value)
            for u in self.uow.users.all()
            if u.organisation_id == organisation_id and u.active and u.role in (Role.SUPERVISOR, Role.TRAINER)
        ]

    def groups(self, organisation_id: int):
        return [(g.id, g.name) for g in self.uow.groups.all() if g.organisation_id == organisation_id]

    def existing_students(self, organisation_id: int, numbers: Iterable[str]):
        from mijnportfolio.application.ports.imports import ExistingStudent

        wanted = set(numbers)
        return {
            s.student_number: ExistingStudent(
                s.id, s.user.id, s.user.email, s.user.first_name, s.user.infix, s.user.last_name, s.trainer_id, s.cohort
            )
            for s in self.uow.students.all()
            if s.organisation_id == organisation_id and s.student_number in wanted
        }

    def user_ids_by_email(self, emails: Iterable[str]):
        wanted = set(emails)
        return {u.email: u.id for u in self.uow.users.all() if u.email in wanted}

    def create_groups(self, organisation_id: int, names):
        from mijnportfolio.domain.imports import fold
        from mijnportfolio.domain.students import ParticipantGroup

        made = {}
        for name in names:
            group = ParticipantGroup(organisation_id=organisation_id, name=name)
            self.uow.groups.add(group)
            made[fold(name)] = group.id
        return made

    def insert_students(self, organisation_id: int, rows, now):
        from mijnportfolio.domain.organisations import Role, User
        from mijnportfolio.domain.students import Student

        ids = []
        for row in rows:
            user = User(
                email=row.email, role=Role.STUDENT, first_name=row.first_name, infix=row.infix,
                last_name=row.last_name, organisation_id=organisation_id, created_at=now,
            )
            self.uow.users.add(user)
            student = Student(
                organisation_id=organisation_id, student_number=row.student_number, user=user,
                programme_id=row.programme_id, supervisor_id=row.supervisor_id, trainer_id=row.trainer_id,
                cohort=row.cohort,
            )
            self.uow.students.add(student)
            ids.append((student.id, user.id))
        return ids

    def update_students(self, rows) -> None:
        for row in rows:
            student = self.uow.students.get(row.student_id)
            user = student.user
            user.email, user.first_name, user.infix, user.last_name = row.email, row.first_name, row.infix, row.last_name
            user.refresh_sort_name()
            student.programme_id, student.supervisor_id = row.programme_id, row.supervisor_id
            student.trainer_id, student.cohort = row.trainer_id, row.cohort

    def add_memberships(self, pairs) -> None:
        for student_id, group_id in pairs:
            self.uow.students.get(student_id).groups.add(self.uow.groups.get(group_id))

    def add_invitations(self, tokens, messages) -> None:
        for token in tokens:
            self.uow.tokens.add(token)
        for message in messages:
            self.uow.outbox.add(message)
