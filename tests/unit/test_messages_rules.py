"""The rules of messages (product.md sections 2 and 5): who may write to whom, the limits of a
message, read state per recipient, replies."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.errors import InvalidValue
from mijnportfolio.domain.messages import (
    BODY_MAX_LENGTH,
    MAX_RECIPIENTS,
    SUBJECT_MAX_LENGTH,
    Correspondent,
    Message,
    MessageDataInvalid,
    MessageRecipient,
    RecipientsRequired,
    TooManyRecipients,
    check_recipient_count,
    compose,
    may_write_to,
    reply_subject,
    validate_message,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, StudentFacts

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)
ORG, OTHER_ORG = 1, 2
SUPERVISOR, TRAINER, EXAMINER, OTHER_STAFF, ADMIN = 10, 11, 12, 13, 1
STUDENT_USER, OTHER_STUDENT_USER = 50, 51

MY_FACTS = StudentFacts(
    organisation_id=ORG, user_id=STUDENT_USER, supervisor_id=SUPERVISOR, trainer_id=TRAINER,
    examiner_ids=frozenset({EXAMINER}),
)
OTHER_FACTS = StudentFacts(organisation_id=ORG, user_id=OTHER_STUDENT_USER, supervisor_id=OTHER_STAFF)


def staff(user_id: int, role: Role, organisation_id: int | None = ORG, active: bool = True) -> Correspondent:
    return Correspondent(user_id=user_id, role=role, organisation_id=organisation_id, active=active)


def student(facts: StudentFacts, active: bool = True) -> Correspondent:
    return Correspondent(
        user_id=facts.user_id, role=Role.STUDENT, organisation_id=facts.organisation_id, active=active, student=facts
    )


ME_AS_STUDENT = Actor(user_id=STUDENT_USER, role=Role.STUDENT, organisation_id=ORG)


@pytest.mark.parametrize("user_id, role", [(SUPERVISOR, Role.SUPERVISOR), (TRAINER, Role.TRAINER), (EXAMINER, Role.EXAMINER)])
def test_a_student_writes_to_each_of_their_own_begeleiders(user_id, role):
    assert may_write_to(ME_AS_STUDENT, staff(user_id, role), writer_student=MY_FACTS)


@pytest.mark.parametrize(
    "recipient",
    [
        staff(OTHER_STAFF, Role.SUPERVISOR),  # a supervisor of the same school, not mine
        staff(ADMIN, Role.ADMIN, None),
        student(OTHER_FACTS),
        staff(SUPERVISOR, Role.SUPERVISOR, OTHER_ORG),  # "my supervisor" in another organisation
    ],
    ids=["other supervisor", "admin", "other student", "other organisation"],
)
def test_a_student_writes_to_nobody_else(recipient):
    assert not may_write_to(ME_AS_STUDENT, recipient, writer_student=MY_FACTS)


def test_a_student_without_their_own_facts_writes_to_nobody():
    assert not may_write_to(ME_AS_STUDENT, staff(SUPERVISOR, Role.SUPERVISOR))
    assert not may_write_to(ME_AS_STUDENT, staff(SUPERVISOR, Role.SUPERVISOR), writer_student=OTHER_FACTS)


@pytest.mark.parametrize("role, user_id", [(Role.SUPERVISOR, SUPERVISOR), (Role.TRAINER, TRAINER), (Role.EXAMINER, EXAMINER)])
def test_staff_write_to_their_linked_students_only(role, user_id):
    writer = Actor(user_id=user_id, role=role, organisation_id=ORG)
    assert may_write_to(writer, student(MY_FACTS))
    assert not may_write_to(writer, student(OTHER_FACTS))


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.TRAINER, Role.EXAMINER])
def test_staff_write_to_the_staff_of_their_own_organisation_but_not_to_admins_or_other_schools(role):
    writer = Actor(user_id=OTHER_STAFF, role=role, organisation_id=ORG)
    assert may_write_to(writer, staff(SUPERVISOR, Role.SUPERVISOR))
    assert may_write_to(writer, staff(EXAMINER, Role.EXAMINER))
    assert may_write_to(writer, staff(TRAINER, Role.TRAINER))
    assert not may_write_to(writer, staff(ADMIN, Role.ADMIN, None))
    assert not may_write_to(writer, staff(99, Role.SUPERVISOR, OTHER_ORG))


def test_staff_of_another_organisation_do_not_write_to_a_student_even_when_ids_match():
    stranger = Actor(user_id=SUPERVISOR, role=Role.SUPERVISOR, organisation_id=OTHER_ORG)
    assert not may_write_to(stranger, student(MY_FACTS))


def test_staff_without_an_organisation_write_to_nobody():
    writer = Actor(user_id=SUPERVISOR, role=Role.SUPERVISOR, organisation_id=None)
    assert not may_write_to(writer, student(MY_FACTS))
    assert not may_write_to(writer, staff(TRAINER, Role.TRAINER))


def test_an_admin_writes_to_anyone_in_any_organisation():
    admin = Actor(user_id=ADMIN, role=Role.ADMIN)
    for recipient in (student(MY_FACTS), student(OTHER_FACTS), staff(99, Role.SUPERVISOR, OTHER_ORG), staff(2, Role.ADMIN, None)):
        assert may_write_to(admin, recipient)


def test_nobody_writes_to_themselves_or_to_a_deactivated_account():
    admin = Actor(user_id=ADMIN, role=Role.ADMIN)
    assert not may_write_to(admin, staff(ADMIN, Role.ADMIN, None))
    assert not may_write_to(admin, student(MY_FACTS, active=False))
    assert not may_write_to(ME_AS_STUDENT, staff(SUPERVISOR, Role.SUPERVISOR, active=False), writer_student=MY_FACTS)


@given(
    role=st.sampled_from([Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER]),
    user_id=st.integers(min_value=100, max_value=10_000),
)
def test_no_staff_member_writes_to_a_student_they_are_not_linked_to(role, user_id):
    writer = Actor(user_id=user_id, role=role, organisation_id=ORG)
    assert not may_write_to(writer, student(MY_FACTS))


def test_subject_and_body_are_required_and_trimmed():
    assert validate_message("  Vraag  ", "  Hallo\r\nwereld  ") == ("Vraag", "Hallo\nwereld")
    with pytest.raises(MessageDataInvalid) as error:
        validate_message("", "   ")
    assert set(error.value.by_field) == {"subject", "body"}


def test_subject_and_body_have_maximum_lengths():
    assert validate_message("x" * SUBJECT_MAX_LENGTH, "y" * BODY_MAX_LENGTH)
    with pytest.raises(InvalidValue, match="200"):
        validate_message("x" * (SUBJECT_MAX_LENGTH + 1), "y")
    with pytest.raises(InvalidValue, match="10000"):
        validate_message("x", "y" * (BODY_MAX_LENGTH + 1))


def test_a_message_goes_to_one_to_two_hundred_recipients():
    check_recipient_count(1)
    check_recipient_count(MAX_RECIPIENTS)
    with pytest.raises(RecipientsRequired):
        check_recipient_count(0)
    with pytest.raises(TooManyRecipients, match="201"):
        check_recipient_count(MAX_RECIPIENTS + 1)


def _message() -> Message:
    return Message(
        sender_id=SUPERVISOR, subject="Planning", body="Tekst", sent_at=NOW,
        recipients=[MessageRecipient(user_id=STUDENT_USER), MessageRecipient(user_id=OTHER_STUDENT_USER)], id=7,
    )


def test_opening_marks_a_message_read_for_that_recipient_only():
    message = _message()
    assert message.mark_read(STUDENT_USER, NOW)
    assert message.recipient(STUDENT_USER).read_at == NOW
    assert message.recipient(OTHER_STUDENT_USER).read_at is None
    later = NOW + dt.timedelta(hours=1)
    assert not message.mark_read(STUDENT_USER, later)  # the first reading counts
    assert message.recipient(STUDENT_USER).read_at == NOW


def test_the_sender_reading_their_own_message_marks_nothing():
    message = _message()
    assert not message.mark_read(SUPERVISOR, NOW)
    assert all(r.read_at is None for r in message.recipients)


def test_only_the_sender_and_the_recipients_are_parties_of_a_message():
    message = _message()
    assert message.is_party(SUPERVISOR) and message.is_party(STUDENT_USER)
    assert not message.is_party(TRAINER)


def test_a_reply_belongs_to_the_thread_of_the_first_message():
    first = _message()
    reply = compose(STUDENT_USER, reply_subject(first.subject), "Dank", [SUPERVISOR], NOW, first)
    reply.id = 8
    again = compose(SUPERVISOR, reply_subject(reply.subject), "Graag", [STUDENT_USER], NOW, reply)
    assert (reply.reply_to_id, reply.thread_id) == (7, 7)
    assert (again.reply_to_id, again.thread_id) == (8, 7)
    assert again.subject == "Re: Planning"


def test_composing_keeps_each_recipient_once_and_never_the_sender():
    message = compose(SUPERVISOR, "S", "B", [STUDENT_USER, SUPERVISOR, STUDENT_USER, OTHER_STUDENT_USER], NOW)
    assert message.recipient_ids() == [STUDENT_USER, OTHER_STUDENT_USER]


def test_reply_subjects_get_one_prefix_and_stay_within_the_limit():
    assert reply_subject("Vraag") == "Re: Vraag"
    assert reply_subject("Re: Vraag") == "Re: Vraag"
    assert reply_subject("RE: Vraag") == "RE: Vraag"
    assert len(reply_subject("x" * SUBJECT_MAX_LENGTH)) == SUBJECT_MAX_LENGTH
