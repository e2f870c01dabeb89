"""Message use cases with in-memory fakes: sending (with the e-mail that a message waits, never
its content), refusals that send nothing, groups, reading per recipient, replies, the counts."""

from __future__ import annotations

import pytest

from mijnportfolio.application import messages
from mijnportfolio.application.messages import NewMessage
from mijnportfolio.domain.errors import InvalidValue, NotFound
from mijnportfolio.domain.messages import MessageDataInvalid, NothingToReplyTo, RecipientNotAllowed
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import ParticipantGroup, Student
from tests.unit.fakes import FakeClock, FakeUnitOfWorkFactory


class World:
    """One school: a supervisor with two students in a group, a trainer of the first, a
    supervisor with a student of their own, an admin."""

    def __init__(self) -> None:
        self.uows = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        with self.uows.setup() as uow:
            org = Organisation(name="ROC")
            uow.organisations.add(org)
            self.org = org.id
            self.users: dict[str, User] = {}
            for key, role, last in (
                ("admin", Role.ADMIN, "Beheer"), ("sup", Role.SUPERVISOR, "Begeleider"),
                ("trainer", Role.TRAINER, "Opleider"), ("sup2", Role.SUPERVISOR, "Anders"),
            ):
                user = User(email=f"{key}@school.nl", role=role, first_name=key.title(), last_name=last,
                            organisation_id=None if role is Role.ADMIN else org.id)
                uow.users.add(user)
                self.users[key] = user
            group = ParticipantGroup(organisation_id=org.id, name="Klas A")
            uow.groups.add(group)
            self.group = group.id
            self.students: dict[str, Student] = {}
            for key, supervisor, trainer, in_group in (
                ("s1", "sup", "trainer", True), ("s2", "sup", None, True), ("s3", "sup2", None, True),
            ):
                user = User(email=f"{key}@student.nl", role=Role.STUDENT, first_name="Student", last_name=key,
                            organisation_id=org.id)
                uow.users.add(user)
                self.users[key] = user
                student = Student(
                    organisation_id=org.id, student_number=key, user=user, programme_id=1,
                    supervisor_id=self.users[supervisor].id,
                    trainer_id=self.users[trainer].id if trainer else None,
                    groups={group} if in_group else set(),
                )
                uow.students.add(student)
                self.students[key] = student
            uow.commit()

    def id(self, key: str) -> int:
        return self.users[key].id

    def actor(self, key: str) -> Actor:
        user = self.users[key]
        return Actor(user_id=user.id, role=user.role, organisation_id=user.organisation_id)

    def send(self, sender: str, to: list[str], subject: str = "Onderwerp", body: str = "Tekst", **extra) -> int:
        return messages.send_message(
            self.uows(), self.actor(sender), self.clock,
            NewMessage(recipient_ids=tuple(self.id(k) for k in to), subject=subject, body=body, **extra),
            message_url=lambda i: f"https://mijnportfolio.test/berichten/{i}",
        )

    def table(self, name: str) -> dict:
        return self.uows.store.tables.get(name, {})


@pytest.fixture
def world() -> World:
    return World()


def test_a_student_sends_a_message_to_their_supervisor_and_trainer(world):
    message_id = world.send("s1", ["sup", "trainer"], subject="Vraag over de planning", body="Wanneer is het examen?")
    stored = world.table("messages")[message_id]
    assert stored.sender_id == world.id("s1")
    assert stored.recipient_ids() == [world.id("sup"), world.id("trainer")]
    assert all(r.read_at is None for r in stored.recipients)


def test_every_recipient_gets_an_e_mail_that_a_message_waits_without_its_content(world):
    message_id = world.send("s1", ["sup", "trainer"], subject="Geheim onderwerp", body="Vertrouwelijke tekst")
    mails = sorted(world.table("outbox").values(), key=lambda m: m.id)
    assert [m.recipients for m in mails] == ["sup@school.nl", "trainer@school.nl"]
    for mail in mails:
        assert mail.subject == "Nieuw bericht in MijnPortfolio van Student s1"
        assert "Geheim" not in mail.subject + mail.body and "Vertrouwelijke" not in mail.body
        assert f"https://mijnportfolio.test/berichten/{message_id}" in mail.body


def test_a_message_to_someone_one_may_not_write_to_is_refused_whole_and_nothing_is_sent(world):
    with pytest.raises(RecipientNotAllowed, match="^Aan een van de gekozen ontvangers mag je geen bericht sturen") as error:
        world.send("s1", ["sup", "sup2"])  # sup2 is not one of s1's begeleiders
    assert "Anders" not in error.value.message  # who they are stays unsaid
    assert world.table("messages") == {} and world.table("outbox") == {}


def test_an_unknown_recipient_id_is_refused(world):
    with pytest.raises(RecipientNotAllowed, match="Aan 2 van de gekozen ontvangers"):
        messages.send_message(world.uows(), world.actor("sup"), world.clock,
                              NewMessage(recipient_ids=(99999, world.id("admin")), subject="S", body="B"))


def test_an_empty_body_and_subject_and_no_recipients_are_reported_together(world):
    with pytest.raises(MessageDataInvalid) as error:
        messages.send_message(world.uows(), world.actor("sup"), world.clock,
                              NewMessage(recipient_ids=(), subject=" ", body=""))
    assert set(error.value.by_field) == {"subject", "body", "recipients"}
    assert world.table("messages") == {}


def test_an_empty_body_alone_is_refused_by_its_field(world):
    with pytest.raises(InvalidValue) as error:
        world.send("sup", ["s1"], body="   ")
    assert error.value.field == "body" and error.value.message == "Bericht is verplicht."


def test_a_group_expands_to_its_students_the_writer_may_write_to(world):
    message_id = world.send("sup", [], group_id=world.group)
    recipients = world.table("messages")[message_id].recipient_ids()
    assert sorted(recipients) == sorted([world.id("s1"), world.id("s2")])  # s3 belongs to sup2


def test_a_group_and_chosen_people_make_one_list_without_doubles(world):
    message_id = world.send("sup", ["s1", "trainer"], group_id=world.group)
    assert world.table("messages")[message_id].recipient_ids() == [world.id("s1"), world.id("trainer"), world.id("s2")]


def test_a_group_with_nobody_the_writer_may_write_to_is_refused(world):
    with world.uows.setup() as uow:
        group = ParticipantGroup(organisation_id=world.org, name="Alleen s2")
        uow.groups.add(group)
        uow.students.get(world.students["s2"].id).groups.add(group)
        uow.commit()
    with pytest.raises(RecipientNotAllowed, match="geen student"):
        world.send("trainer", [], group_id=group.id)  # the trainer follows s1 only
    assert world.table("messages") == {}


def test_an_unknown_group_is_refused(world):
    with pytest.raises(RecipientNotAllowed, match="bestaat niet"):
        world.send("sup", [], group_id=99999)


def test_a_student_cannot_write_to_a_group(world):
    with pytest.raises(RecipientNotAllowed, match="deelnemergroep"):
        world.send("s1", [], group_id=world.group)


def test_opening_marks_read_for_that_recipient_only_and_the_sender_sees_who_read_it(world):
    message_id = world.send("sup", ["s1", "s2"])
    view = messages.open_message(world.uows(), world.actor("s1"), world.clock, message_id)
    assert view.body == "Tekst" and not view.is_sender
    assert all(r.read_at is None for r in view.recipients)  # a recipient does not see others' read state
    sender_view = messages.open_message(world.uows(), world.actor("sup"), world.clock, message_id)
    read = {r.user_id: r.read_at for r in sender_view.recipients}
    assert read == {world.id("s1"): world.clock.now(), world.id("s2"): None}
    assert sender_view.read_count == 1


def test_someone_who_is_neither_sender_nor_recipient_gets_not_found(world):
    message_id = world.send("sup", ["s1"])
    for stranger in ("s2", "trainer", "admin"):
        with pytest.raises(NotFound):
            messages.open_message(world.uows(), world.actor(stranger), world.clock, message_id)
    with pytest.raises(NotFound):
        messages.open_message(world.uows(), world.actor("s1"), world.clock, 424242)


def test_the_counts_are_those_of_the_reader(world):
    first = world.send("sup", ["s1", "s2"])
    world.send("trainer", ["s1"])
    messages.open_message(world.uows(), world.actor("s1"), world.clock, first)
    assert messages.message_counts(world.uows(), world.actor("s1")) == messages.MessageCounts(new=1, total=2)
    assert messages.message_counts(world.uows(), world.actor("s2")) == messages.MessageCounts(new=1, total=1)
    assert messages.message_counts(world.uows(), world.actor("sup")) == messages.MessageCounts(new=0, total=0)


def test_reply_all_goes_only_to_those_the_replier_may_still_write_to(world):
    message_id = world.send("sup", ["s1", "s2"], subject="Rooster")
    draft = messages.reply_draft(world.uows(), world.actor("s1"), message_id, to_all=True)
    assert draft.recipient_ids == (world.id("sup"),)
    assert draft.left_out == ("Student s2",)
    assert draft.subject == "Re: Rooster"
    reply_id = world.send("s1", ["sup"], subject=draft.subject, reply_to_id=message_id)
    reply = world.table("messages")[reply_id]
    assert (reply.reply_to_id, reply.thread_id) == (message_id, message_id)
    thread = messages.open_message(world.uows(), world.actor("sup"), world.clock, reply_id).thread
    assert [t.message_id for t in thread] == [message_id, reply_id]


def test_a_reply_to_someone_one_may_no_longer_write_to_is_refused(world):
    message_id = world.send("admin", ["s1"])  # a student writes to their own begeleiders only
    with pytest.raises(NothingToReplyTo):
        messages.reply_draft(world.uows(), world.actor("s1"), message_id, to_all=False)
    view = messages.open_message(world.uows(), world.actor("s1"), world.clock, message_id)
    assert not view.may_reply and not view.may_reply_all


def test_replying_to_a_message_one_is_no_party_of_is_not_found(world):
    message_id = world.send("sup", ["s1"])
    with pytest.raises(NotFound):
        messages.reply_draft(world.uows(), world.actor("s2"), message_id, to_all=False)
    with pytest.raises(NotFound):
        world.send("s2", ["sup"], reply_to_id=message_id)
    assert len(world.table("messages")) == 1
