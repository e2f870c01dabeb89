"""Questionnaire use cases with in-memory fakes: admins make and assign, students answer (draft,
submit once, refusals that keep everything as it was), staff read their students' responses."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.application import questionnaires as q
from mijnportfolio.domain.errors import NotFound, PermissionDenied
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.questionnaires import AlreadySubmitted, AnswersInvalid, DeadlinePassed, QuestionsLocked
from mijnportfolio.domain.students import ParticipantGroup, Student
from tests.unit.fakes import FakeClock, FakeUnitOfWorkFactory

UTC = dt.timezone.utc


class World:
    def __init__(self) -> None:
        self.uows = FakeUnitOfWorkFactory()
        self.clock = FakeClock(dt.datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
        with self.uows.setup() as uow:
            org = Organisation(name="ROC")
            uow.organisations.add(org)
            self.users: dict[str, User] = {}
            for key, role in (("admin", Role.ADMIN), ("sup", Role.SUPERVISOR), ("sup2", Role.SUPERVISOR)):
                user = User(email=f"{key}@school.nl", role=role, last_name=key,
                            organisation_id=None if role is Role.ADMIN else org.id)
                uow.users.add(user)
                self.users[key] = user
            group = ParticipantGroup(organisation_id=org.id, name="Klas A")
            uow.groups.add(group)
            self.group = group.id
            self.students: dict[str, Student] = {}
            for key, supervisor, groups in (("s1", "sup", {group}), ("s2", "sup", set()), ("s3", "sup2", set())):
                user = User(email=f"{key}@student.nl", role=Role.STUDENT, last_name=key, organisation_id=org.id)
                uow.users.add(user)
                self.users[key] = user
                student = Student(organisation_id=org.id, student_number=key, user=user, programme_id=1,
                                  supervisor_id=self.users[supervisor].id, groups=groups)
                uow.students.add(student)
                self.students[key] = student
            uow.commit()
        self.admin = self.actor("admin")

    def actor(self, key: str) -> Actor:
        user = self.users[key]
        return Actor(user_id=user.id, role=user.role, organisation_id=user.organisation_id)

    def questionnaire(self) -> tuple[int, list[int]]:
        qid = q.create_questionnaire(self.uows(), self.admin, self.clock, q.QuestionnaireData("Evaluatie", "Graag eerlijk"))
        ids = [
            q.add_question(self.uows(), self.admin, qid, q.QuestionData("open", "Wat ging goed?")),
            q.add_question(self.uows(), self.admin, qid, q.QuestionData("choice", "Begeleiding?", "Goed\nMatig\nSlecht")),
            q.add_question(self.uows(), self.admin, qid, q.QuestionData("scale", "Tevredenheid")),
        ]
        return qid, ids

    def save(self, key: str, qid: int, raw: dict, *, submit: bool) -> bool:
        return q.save_answers(self.uows(), self.actor(key), self.clock, qid, raw, submit=submit)


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize("key", ["sup", "s1"])
def test_only_admins_make_and_assign_questionnaires(world, key):
    with pytest.raises(PermissionDenied):
        q.create_questionnaire(world.uows(), world.actor(key), world.clock, q.QuestionnaireData("T", None))
    qid, _ = world.questionnaire()
    with pytest.raises(PermissionDenied):
        q.assign(world.uows(), world.actor(key), world.clock, qid, q.AssignmentData(group_ids=(world.group,)))


def test_an_admin_assigns_to_a_group_and_to_a_student_with_a_deadline_at_the_end_of_that_dutch_day(world):
    qid, _ = world.questionnaire()
    result = q.assign(world.uows(), world.admin, world.clock, qid,
                      q.AssignmentData(student_ids=(world.students["s2"].id,), group_ids=(world.group,), deadline="30-09-2026"))
    assert (result.added, result.updated) == (2, 0)
    stored = list(world.uows.store.tables["questionnaire_assignments"].values())
    assert {a.deadline for a in stored} == {dt.datetime(2026, 9, 30, 21, 59, 59, 999999, tzinfo=UTC)}
    again = q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    assert (again.added, again.updated) == (0, 1)
    group_assignment = next(a for a in world.uows.store.tables["questionnaire_assignments"].values() if a.group_id)
    assert group_assignment.deadline is None


def test_assigning_needs_someone_and_a_valid_future_deadline(world):
    qid, _ = world.questionnaire()
    with pytest.raises(q.QuestionnaireDataInvalid) as error:
        q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(deadline="31-08-2026"))
    assert set(error.value.by_field) == {"deadline", "student_ids"}


def test_a_student_in_the_group_drafts_then_submits_once(world):
    qid, (open_id, choice_id, scale_id) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    assert not world.save("s1", qid, {open_id: "Veel geleerd"}, submit=False)
    sheet = q.answer_sheet(world.uows(), world.actor("s1"), world.clock, qid)
    assert [s.value for s in sheet.questions] == ["Veel geleerd", "", ""] and sheet.may_answer
    assert world.save("s1", qid, {open_id: "Veel geleerd", choice_id: "1", scale_id: "4"}, submit=True)
    sheet = q.answer_sheet(world.uows(), world.actor("s1"), world.clock, qid)
    assert sheet.submitted_at == world.clock.now() and not sheet.may_answer
    assert [s.shown for s in sheet.questions] == ["Veel geleerd", "Matig", "4"]


def test_submitting_twice_is_refused_and_the_answers_stay_as_submitted(world):
    qid, (open_id, choice_id, scale_id) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    world.save("s1", qid, {open_id: "Eerst", choice_id: "0", scale_id: "5"}, submit=True)
    commits = world.uows.commits
    with pytest.raises(AlreadySubmitted):
        world.save("s1", qid, {open_id: "Anders", choice_id: "2", scale_id: "1"}, submit=True)
    with pytest.raises(AlreadySubmitted):
        world.save("s1", qid, {open_id: "Anders"}, submit=False)
    assert world.uows.commits == commits
    assert q.answer_sheet(world.uows(), world.actor("s1"), world.clock, qid).questions[0].value == "Eerst"


def test_after_the_deadline_nothing_is_saved(world):
    qid, (open_id, _, _) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,), deadline="02-09-2026"))
    world.save("s1", qid, {open_id: "Concept"}, submit=False)
    world.clock.moment = dt.datetime(2026, 9, 2, 21, 59, tzinfo=UTC)  # 23:59 in Amsterdam: still open
    world.save("s1", qid, {open_id: "Net op tijd"}, submit=False)
    world.clock.moment = dt.datetime(2026, 9, 2, 22, 0, tzinfo=UTC)  # midnight
    with pytest.raises(DeadlinePassed):
        world.save("s1", qid, {open_id: "Te laat"}, submit=False)
    sheet = q.answer_sheet(world.uows(), world.actor("s1"), world.clock, qid)
    assert sheet.expired and sheet.questions[0].value == "Net op tijd"


def test_a_crafted_answer_outside_the_choices_is_refused_and_nothing_is_stored(world):
    qid, (open_id, choice_id, scale_id) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    for crafted in ({choice_id: "3"}, {scale_id: "6"}, {scale_id: "0"}, {choice_id: "x"}):
        with pytest.raises(AnswersInvalid):
            world.save("s1", qid, {open_id: "Tekst", **crafted}, submit=False)
    assert world.uows.store.tables.get("questionnaire_responses", {}) == {}


def test_a_questionnaire_that_is_not_assigned_to_the_student_is_not_found(world):
    qid, (open_id, _, _) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    for key in ("s2", "s3"):
        with pytest.raises(NotFound):
            q.answer_sheet(world.uows(), world.actor(key), world.clock, qid)
        with pytest.raises(NotFound):
            world.save(key, qid, {open_id: "x"}, submit=False)
    with pytest.raises(NotFound):
        q.answer_sheet(world.uows(), world.actor("sup"), world.clock, qid)  # staff do not answer


def test_once_answered_questions_stay_but_texts_may_be_corrected(world):
    qid, (open_id, choice_id, _) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    world.save("s1", qid, {open_id: "Iets"}, submit=False)
    with pytest.raises(QuestionsLocked):
        q.add_question(world.uows(), world.admin, qid, q.QuestionData("open", "Nieuw"))
    with pytest.raises(QuestionsLocked):
        q.delete_question(world.uows(), world.admin, qid, open_id)
    with pytest.raises(q.QuestionnaireAnswered):
        q.delete_questionnaire(world.uows(), world.admin, qid)
    q.update_question(world.uows(), world.admin, qid, choice_id, q.QuestionData("choice", "Begeleiding", "Prima\nMatig\nSlecht"))
    detail = q.get_questionnaire(world.uows(), world.admin, qid)
    assert detail.answered and detail.questions[1].options == ("Prima", "Matig", "Slecht")


def test_an_unanswered_questionnaire_is_deleted_with_its_assignments(world):
    qid, _ = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    assert q.delete_questionnaire(world.uows(), world.admin, qid) == "Evaluatie"
    assert world.uows.store.tables["questionnaires"] == {}
    assert world.uows.store.tables["questionnaire_assignments"] == {}


def test_an_empty_first_draft_stores_nothing(world):
    qid, _ = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    assert not world.save("s1", qid, {}, submit=False)
    assert world.uows.store.tables.get("questionnaire_responses", {}) == {}


def test_a_student_learns_nothing_about_responses(world):
    qid, _ = world.questionnaire()
    with pytest.raises(NotFound):
        q.response_detail(world.uows(), world.actor("s1"), qid, 1)


def test_staff_see_one_response_only_of_a_student_they_may_see(world):
    qid, (open_id, choice_id, scale_id) = world.questionnaire()
    q.assign(world.uows(), world.admin, world.clock, qid, q.AssignmentData(group_ids=(world.group,)))
    world.save("s1", qid, {open_id: "Goed", choice_id: "0", scale_id: "3"}, submit=True)
    response_id = next(iter(world.uows.store.tables["questionnaire_responses"]))
    detail = q.response_detail(world.uows(), world.actor("sup"), qid, response_id)
    assert [i.answer for i in detail.items] == ["Goed", "Goed", "3"]
    with pytest.raises(NotFound):
        q.response_detail(world.uows(), world.actor("sup2"), qid, response_id)
    assert q.response_detail(world.uows(), world.admin, qid, response_id).student_number == "s1"
