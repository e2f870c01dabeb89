"""Planning an exam, re-planning, cancelling and retakes, with in-memory fakes."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.application.catalogue.exams import build_exam
from mijnportfolio.application.examination import planning
from mijnportfolio.application.examination.planning import PartRequest, PlanRequest
from mijnportfolio.domain.catalogue import (
    CoreTaskDefinition,
    CriterionDefinition,
    ExamDefinition,
    PartDefinition,
    Programme,
    WorkProcessDefinition,
)
from mijnportfolio.domain.errors import NotFound, PermissionDenied
from mijnportfolio.domain.examination.local_time import InvalidDateTime
from mijnportfolio.domain.examination.planning import (
    AssessmentAlreadyStarted,
    AttemptTakenMeanwhile,
    EndBeforeStart,
    ExamAlreadyPassed,
    MaxAttemptsReached,
    NotAnExaminer,
    NothingToPlan,
    PartAlreadyFinal,
    PlanningNotValid,
    RetakeNotAllowed,
    RetakeRequired,
    SameExaminerTwice,
)
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import Student
from tests.unit.fakes import FakeCalendarWriter, FakeClock, FakeUnitOfWorkFactory

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc)


def _definition() -> ExamDefinition:
    return ExamDefinition(
        code="LM", name="Leidinggeven en meewerken", max_attempts=2,
        core_tasks=(CoreTaskDefinition("B1-K1", "Zorg", (WorkProcessDefinition("B1-K1-W1"),)),),
        parts=(
            PartDefinition(1, "Zorg verlenen", (CriterionDefinition("B1-K1-W1", "Criterium 1"),)),
            PartDefinition(2, "", (CriterionDefinition("B1-K1-W1", "Criterium 2"),)),
        ),
    )


class World:
    def __init__(self) -> None:
        self.factory = FakeUnitOfWorkFactory()
        self.clock = FakeClock(NOW)
        self.calendar = FakeCalendarWriter()
        uow = self.factory.setup()
        self.org = Organisation(name="ROC")
        self.other_org = Organisation(name="Ander ROC")
        uow.organisations.add(self.org)
        uow.organisations.add(self.other_org)
        programme = Programme(name="Verzorgende-IG", crebo="25491", level=3)
        uow.programmes.add(programme)
        self.people: dict[str, User] = {}
        for key, role, org in (
            ("supervisor", Role.SUPERVISOR, self.org), ("supervisor2", Role.SUPERVISOR, self.org),
            ("examiner", Role.EXAMINER, self.org), ("examiner2", Role.EXAMINER, self.org),
            ("examiner3", Role.EXAMINER, self.org), ("trainer", Role.TRAINER, self.org),
            ("foreign_examiner", Role.EXAMINER, self.other_org),
        ):
            user = User(email=f"{key}@roc.nl", role=role, first_name=key.title(), last_name="Test", organisation_id=org.id)
            uow.users.add(user)
            self.people[key] = user
        self.exam = build_exam(_definition(), programme.id)
        uow.exams.add(self.exam)
        self.students = []
        for number in (1, 2):
            user = User(email=f"student{number}@roc.nl", role=Role.STUDENT, first_name="Demostudent", last_name=str(number),
                        organisation_id=self.org.id)
            uow.users.add(user)
            student = Student(organisation_id=self.org.id, student_number=f"00{number}", user=user,
                              programme_id=programme.id, supervisor_id=self.people["supervisor"].id,
                              trainer_id=self.people["trainer"].id)
            uow.students.add(student)
            self.students.append(student)
        uow.commit()
        self.part_ids = [p.id for p in sorted(self.exam.parts, key=lambda p: p.number)]

    def actor(self, key: str) -> Actor:
        user = self.people[key]
        return Actor(user_id=user.id, role=user.role, organisation_id=user.organisation_id)

    def request(self, *parts: PartRequest, student=0, **options) -> PlanRequest:
        return PlanRequest(student_id=self.students[student].id, exam_id=self.exam.id, parts=tuple(parts), **options)

    def part(self, index: int, **values) -> PartRequest:
        defaults = dict(
            part_id=self.part_ids[index], plan=True, start="15-03-2027 09:00", end="15-03-2027 12:00",
            location="Zorgcentrum De Linde",
            examiner1_id=self.people["examiner"].id, examiner2_id=self.people["examiner2"].id,
        )
        defaults.update(values)
        return PartRequest(**defaults)

    def plan(self, request: PlanRequest, actor: str = "supervisor"):
        return planning.plan_exam(self.factory(), self.actor(actor), self.clock, self.calendar, request)

    def committed_attempts(self) -> list:
        return list(self.factory.store.tables.get("attempts", {}).values())

    def outbox(self) -> list:
        return list(self.factory.store.tables.get("outbox", {}).values())


@pytest.fixture
def world() -> World:
    return World()


def test_the_supervisor_plans_both_parts_and_three_people_get_one_mail_each_with_the_calendar(world):
    outcome = world.plan(world.request(world.part(0), world.part(1, copy_previous=True, start="", end="")))
    assert outcome.saved and outcome.attempt_number == 1 and outcome.planned == (1, 2)
    [attempt] = world.committed_attempts()
    assert attempt.number == 1 and len(attempt.plannings) == 2
    first, second = sorted(attempt.plannings, key=lambda p: p.part_id)
    # 'Inplannen met informatie van hierboven' copies the planning of part 1.
    assert (second.starts_at, second.ends_at, second.location) == (first.starts_at, first.ends_at, first.location)
    assert first.starts_at == dt.datetime(2027, 3, 15, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 Dutch winter time
    mails = world.outbox()
    assert sorted(m.recipients for m in mails) == ["examiner2@roc.nl", "examiner@roc.nl", "student1@roc.nl"]
    for mail in mails:
        [attachment] = mail.attachments
        assert attachment["filename"] == "examenplanning.ics"
    student_mail = next(m for m in mails if m.recipients == "student1@roc.nl")
    assert "15-03-2027 09:00 – 12:00" in student_mail.body and "Zorgcentrum De Linde" in student_mail.body


def test_the_location_alone_can_be_taken_from_the_part_above(world):
    world.plan(world.request(world.part(0), world.part(1, location="", copy_previous_location=True, start="15-03-2027 13:00",
                                                       end="15-03-2027 15:00")))
    first, second = sorted(world.committed_attempts()[0].plannings, key=lambda p: p.part_id)
    assert second.location == first.location == "Zorgcentrum De Linde" and second.starts_at != first.starts_at


def test_a_part_may_stay_unplanned_for_now(world):
    outcome = world.plan(world.request(world.part(0), world.part(1, plan=False)))
    assert outcome.planned == (1,)
    assert len(world.committed_attempts()[0].plannings) == 1


@pytest.mark.parametrize(
    "values, error, field",
    [
        ({"end": "15-03-2027 08:00"}, EndBeforeStart, "parts-0-end"),
        ({"start": "31-02-2027 09:00"}, InvalidDateTime, "parts-0-start"),
        ({"start": "morgen"}, InvalidDateTime, "parts-0-start"),
        ({"start": "15-03-2027 25:00"}, InvalidDateTime, "parts-0-start"),
        ({"start": "15-03-2027"}, InvalidDateTime, "parts-0-start"),
        ({"examiner2_id": None, "examiner1_id": None}, Exception, "parts-0-examiner1_id"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(world, values, error, field):
    with pytest.raises(error) as info:
        world.plan(world.request(world.part(0, **values)))
    assert info.value.field == field or field in getattr(info.value, "by_field", {})
    assert world.committed_attempts() == [] and world.outbox() == []


def test_the_same_examiner_twice_is_refused(world):
    with pytest.raises(SameExaminerTwice):
        world.plan(world.request(world.part(0, examiner2_id=world.people["examiner"].id)))


@pytest.mark.parametrize("who", ["foreign_examiner", "trainer", "supervisor2"])
def test_an_examiner_must_be_an_examiner_of_the_students_organisation(world, who):
    with pytest.raises(NotAnExaminer, match="geen actieve examinator"):
        world.plan(world.request(world.part(0, examiner2_id=world.people[who].id)))


def test_several_problems_are_reported_at_once(world):
    with pytest.raises(PlanningNotValid) as info:
        world.plan(world.request(world.part(0, end="15-03-2027 08:00"), world.part(1, start="31-02-2027 09:00")))
    assert set(info.value.by_field) == {"parts-0-end", "parts-1-start"}
    assert world.committed_attempts() == []


def test_planning_nothing_is_refused(world):
    with pytest.raises(NothingToPlan):
        world.plan(world.request(world.part(0, plan=False)))


def test_a_replan_moves_the_event_with_a_higher_sequence_and_an_unchanged_part_sends_nothing(world):
    world.plan(world.request(world.part(0), world.part(1)))
    first = sorted(world.committed_attempts()[0].plannings, key=lambda p: p.part_id)[0]
    uid = first.calendar_uid
    mails_before = len(world.outbox())
    outcome = world.plan(world.request(world.part(0, start="15-03-2027 10:00", end="15-03-2027 13:00"), world.part(1)))
    assert outcome.planned == (1,) and outcome.unchanged == (2,)
    again = sorted(world.committed_attempts()[0].plannings, key=lambda p: p.part_id)[0]
    assert again.calendar_uid == uid and again.calendar_sequence == 1
    assert len(world.outbox()) == mails_before + 3


def test_an_examiner_taken_off_a_part_gets_a_cancellation_and_the_new_one_an_invitation(world):
    world.plan(world.request(world.part(0)))
    before = len(world.outbox())
    world.plan(world.request(world.part(0, examiner2_id=world.people["examiner3"].id)))
    replan = {m.recipients: m for m in world.outbox()[before:]}
    assert set(replan) == {"examiner@roc.nl", "examiner2@roc.nl", "examiner3@roc.nl", "student1@roc.nl"}
    assert [a["filename"] for a in replan["examiner2@roc.nl"].attachments] == ["geannuleerd.ics"]
    assert [a["filename"] for a in replan["examiner3@roc.nl"].attachments] == ["examenplanning.ics"]


def _store_attempt(world):
    return world.factory.store.tables["attempts"]


def test_a_part_with_a_final_assessment_or_a_started_one_is_not_replanned(world):
    world.plan(world.request(world.part(0), world.part(1)))
    [attempt] = _store_attempt(world).values()
    first, second = sorted(attempt.plannings, key=lambda p: p.part_id)
    first.finalized_at = NOW
    second.assessment_started_at = NOW
    with pytest.raises(PartAlreadyFinal):
        world.plan(world.request(world.part(0, start="15-03-2027 10:00")))
    with pytest.raises(AssessmentAlreadyStarted):
        world.plan(world.request(world.part(1, start="15-03-2027 10:00")))
    # Sending the same planning again changes nothing and is fine.
    assert world.plan(world.request(world.part(0), world.part(1))).planned == ()


def _finish(world, passed: bool):
    [attempt] = [a for a in _store_attempt(world).values() if a.number == max(x.number for x in _store_attempt(world).values())]
    for p in attempt.plannings:
        p.finalized_at = NOW
    attempt.result_passed = passed


def test_retakes_only_after_a_failed_attempt_and_within_the_maximum(world):
    with pytest.raises(RetakeNotAllowed):
        world.plan(world.request(world.part(0), retake=True))
    world.plan(world.request(world.part(0), world.part(1)))
    with pytest.raises(RetakeNotAllowed):
        world.plan(world.request(world.part(0), retake=True))
    _finish(world, passed=False)
    with pytest.raises(RetakeRequired):
        world.plan(world.request(world.part(0)))
    outcome = world.plan(world.request(world.part(0, start="15-04-2027 09:00", end="15-04-2027 12:00"),
                                       world.part(1, copy_previous=True), retake=True))
    assert outcome.attempt_number == 2
    assert sorted(a.number for a in world.committed_attempts()) == [1, 2]
    _finish(world, passed=False)
    with pytest.raises(MaxAttemptsReached, match=r"\(2\)"):
        world.plan(world.request(world.part(0), retake=True))


def test_a_passed_exam_is_not_planned_again(world):
    world.plan(world.request(world.part(0), world.part(1)))
    _finish(world, passed=True)
    for retake in (False, True):
        with pytest.raises(ExamAlreadyPassed):
            world.plan(world.request(world.part(0), retake=retake))


def test_two_planners_starting_the_same_attempt_at_once_store_one(world, monkeypatch):
    uow = world.factory()
    original = uow.attempts.latest
    # The second planner read 'no attempt yet' before the first one committed.
    monkeypatch.setattr(uow.attempts, "latest", lambda *a: None)
    world.plan(world.request(world.part(0)))
    with pytest.raises(AttemptTakenMeanwhile):
        planning.plan_exam(uow, world.actor("supervisor"), world.clock, world.calendar,
                           world.request(world.part(0), accept_conflicts=True))
    assert len(world.committed_attempts()) == 1 and original is not None


@pytest.mark.parametrize("who, error", [("trainer", PermissionDenied), ("supervisor2", NotFound), ("examiner", NotFound)])
def test_who_may_not_plan_is_refused_403_and_who_may_not_see_the_student_404(world, who, error):
    with pytest.raises(error):
        world.plan(world.request(world.part(0)), actor=who)


def test_a_linked_examiner_plans_only_where_the_organisation_allows_it(world):
    world.plan(world.request(world.part(0)))  # the examiner is now linked through the planning
    with pytest.raises(PermissionDenied):
        world.plan(world.request(world.part(1)), actor="examiner")
    world.factory.store.tables["organisations"][world.org.id].examiners_may_plan = True
    assert world.plan(world.request(world.part(1)), actor="examiner").saved


def test_an_overlapping_booking_is_a_warning_the_planner_may_accept(world):
    world.plan(world.request(world.part(0), student=0))
    outcome = world.plan(world.request(world.part(0, start="15-03-2027 10:00", end="15-03-2027 11:00", location="Elders"), student=1))
    assert not outcome.saved
    messages = [c.message for c in outcome.conflicts]
    assert any("Examiner Test is dan al ingepland voor LM onderdeel 1 van Demostudent 1" in m for m in messages)
    assert len(world.committed_attempts()) == 1
    accepted = world.plan(world.request(world.part(0, start="15-03-2027 10:00", end="15-03-2027 11:00", location="Elders"), student=1,
                                        accept_conflicts=True))
    assert accepted.saved and len(world.committed_attempts()) == 2


def test_the_same_location_at_the_same_time_is_a_conflict_too(world):
    world.plan(world.request(world.part(0, examiner2_id=None), student=0))
    outcome = world.plan(world.request(world.part(0, examiner1_id=world.people["examiner3"].id, examiner2_id=None,
                                                  location="zorgcentrum  de linde"), student=1))
    assert [c.message for c in outcome.conflicts] == [
        "De locatie 'Zorgcentrum De Linde' is dan al in gebruik voor LM onderdeel 1 van Demostudent 1 (15-03-2027 09:00 – 12:00)."
    ]


def test_cancelling_a_planning_sends_a_cancellation_and_an_empty_attempt_goes(world):
    world.plan(world.request(world.part(0)))
    [attempt] = world.committed_attempts()
    [only] = attempt.plannings
    before = len(world.outbox())
    planning.cancel_planning(world.factory(), world.actor("supervisor"), world.clock, world.calendar, only.id)
    assert world.committed_attempts() == []
    cancellations = world.outbox()[before:]
    assert len(cancellations) == 3 and all(m.attachments[0]["filename"] == "geannuleerd.ics" for m in cancellations)


def test_the_planning_form_shows_the_instruction_parts_and_only_examiners_of_the_organisation(world):
    class Options:
        def examiners(self, organisation_id):
            from mijnportfolio.application.ports.examination import ExaminerOption

            return [ExaminerOption(u.id, u.full_name) for u in world.people.values()
                    if u.role is Role.EXAMINER and u.organisation_id == organisation_id]

    form = planning.planning_form(world.factory(), Options(), world.actor("supervisor"), world.clock,
                                  world.students[0].id, world.exam.id)
    assert [p.label for p in form.parts] == ["Onderdeel 1: Zorg verlenen", "Onderdeel 2"]
    assert {e.name for e in form.examiners} == {"Examiner Test", "Examiner2 Test", "Examiner3 Test"}
    assert form.attempt_number == 1
