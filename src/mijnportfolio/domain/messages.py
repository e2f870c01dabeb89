"""Messages (berichten, manual chapter 4; product.md sections 2 and 5).

A message goes from one user to one or more users. Each recipient has a row of its own that
holds *their* read state: one recipient opening a message never marks it read for another.
Who may write to whom is the "messages" row of product.md section 2, decided here by
``may_write_to`` from the same facts the rest of the policy uses (``StudentFacts``).
"""

from __future__ import annotations

import datetime as dt

import attrs

from .errors import DomainError, FieldsInvalid, InvalidValue, check, raise_collected
from .organisations import Role
from .permissions import Actor, StudentFacts
from .values import required_text

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
MAX_RECIPIENTS = 200
REPLY_PREFIX = "Re: "

_LINKED_STAFF = (Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER)


@attrs.define(slots=False, eq=False)
class MessageRecipient:
    """One recipient of a message, with their own read state."""

    user_id: int
    read_at: dt.datetime | None = None
    message_id: int | None = None
    id: int | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


@attrs.define(slots=False, eq=False)
class Message:
    """A message as it was sent. ``reply_to_id`` is the message it answers; ``thread_id`` the
    first message of the conversation (None for that first message itself)."""

    sender_id: int
    subject: str
    body: str
    sent_at: dt.datetime
    recipients: list[MessageRecipient] = attrs.field(factory=list)
    reply_to_id: int | None = None
    thread_id: int | None = None
    id: int | None = None

    @property
    def thread_root_id(self) -> int | None:
        return self.thread_id if self.thread_id is not None else self.id

    def recipient(self, user_id: int) -> MessageRecipient | None:
        return next((r for r in self.recipients if r.user_id == user_id), None)

    def recipient_ids(self) -> list[int]:
        return [r.user_id for r in self.recipients]

    def is_party(self, user_id: int) -> bool:
        """The sender and the recipients may read a message; nobody else may know it exists."""
        return user_id == self.sender_id or self.recipient(user_id) is not None

    def mark_read(self, user_id: int, now: dt.datetime) -> bool:
        """Mark read for this recipient only; False when they are no recipient or read it before."""
        row = self.recipient(user_id)
        if row is None or row.read_at is not None:
            return False
        row.read_at = now
        return True


@attrs.frozen
class Correspondent:
    """What the policy needs to know about someone one might write to (and what the
    notification needs: their name and address). ``student`` holds the facts of a student."""

    user_id: int
    role: Role
    organisation_id: int | None
    name: str = ""
    email: str = ""
    active: bool = True
    student: StudentFacts | None = None


def may_write_to(writer: Actor, recipient: Correspondent, *, writer_student: StudentFacts | None = None) -> bool:
    """product.md section 2, "messages": admins write to anyone; supervisors, examiners and
    trainers to the students linked to them and to the staff of their own organisation; a
    student to their own begeleiders (supervisor, trainer and the examiners of their planned
    parts: ``writer_student`` are the writer's own facts). Nobody writes to themselves or to a
    deactivated account."""
    if recipient.user_id == writer.user_id or not recipient.active:
        return False
    if writer.is_admin:
        return True
    if writer.role is Role.STUDENT:
        if writer_student is None or writer_student.user_id != writer.user_id:
            return False
        return (
            recipient.role in _LINKED_STAFF
            and recipient.organisation_id == writer_student.organisation_id
            and writer_student.is_linked_to(recipient.user_id)
        )
    if writer.role not in _LINKED_STAFF or writer.organisation_id is None:
        return False
    if recipient.role is Role.STUDENT:
        facts = recipient.student
        return (
            facts is not None
            and facts.organisation_id == writer.organisation_id
            and facts.is_linked_to(writer.user_id)
        )
    # Staff of the own organisation; admins belong to none, so they are not among them.
    return recipient.role in _LINKED_STAFF and recipient.organisation_id == writer.organisation_id


class MessageDataInvalid(FieldsInvalid):
    """Several fields of a message are wrong at once; nothing was sent."""

    default_message = "Het bericht is niet verstuurd: verbeter de gemarkeerde velden."


class RecipientsRequired(InvalidValue):
    """A message goes to at least one recipient."""

    default_message = "Kies minstens één ontvanger."


class TooManyRecipients(InvalidValue):
    """A message goes to at most MAX_RECIPIENTS people (a group counts by its students)."""

    default_message = f"Een bericht gaat naar hoogstens {MAX_RECIPIENTS} ontvangers."


class RecipientNotAllowed(InvalidValue):
    """The writer may not write to (one of) the chosen recipients; nothing was sent."""

    default_message = "Aan deze ontvanger mag je geen bericht sturen."


class NothingToReplyTo(DomainError):
    """None of the people of a message may still receive a message from the replier."""

    default_message = "Je kunt hier niet op reageren: je mag geen van de betrokkenen (nog) een bericht sturen."


def normalised_body(value: str | None) -> str:
    # Browsers send \r\n; store \n so that lengths and rendering do not depend on the client.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def validate_subject(subject: str | None) -> str:
    return required_text(subject, "Onderwerp", field="subject", max_length=SUBJECT_MAX_LENGTH)


def validate_body(body: str | None) -> str:
    # The body keeps its inner layout (line breaks, indentation); only the ends are trimmed.
    return required_text(normalised_body(body), "Bericht", field="body", max_length=BODY_MAX_LENGTH)


def validate_message(subject: str | None, body: str | None, recipient_count: int | None = None) -> tuple[str, str]:
    """A required subject (at most 200 characters) and body (at most 10,000), and, when
    ``recipient_count`` is given, 1 to 200 recipients: every problem at once."""
    errors: list[DomainError] = []
    clean_subject = check(errors, lambda: validate_subject(subject))
    clean_body = check(errors, lambda: validate_body(body))
    if recipient_count is not None:
        check(errors, lambda: check_recipient_count(recipient_count))
    raise_collected(errors, MessageDataInvalid)
    return clean_subject or "", clean_body or ""


def check_recipient_count(count: int) -> None:
    if count < 1:
        raise RecipientsRequired(field="recipients")
    if count > MAX_RECIPIENTS:
        raise TooManyRecipients(
            f"Een bericht gaat naar hoogstens {MAX_RECIPIENTS} ontvangers; je koos er {count}.",
            field="recipients",
        )


def not_allowed_message(count: int) -> str:
    """Says how many, not who: a crafted form must not learn the names behind other user ids."""
    who = "een van de gekozen ontvangers" if count == 1 else f"{count} van de gekozen ontvangers"
    return f"Aan {who} mag je geen bericht sturen. Er is niets verstuurd."


def reply_subject(subject: str) -> str:
    """'Re: <subject>' once (never 'Re: Re: ...'), within the subject's maximum length."""
    text = subject.strip()
    if not text.lower().startswith(REPLY_PREFIX.strip().lower()):
        text = REPLY_PREFIX + text
    return text[:SUBJECT_MAX_LENGTH]


def compose(
    sender_id: int,
    subject: str,
    body: str,
    recipient_ids: list[int],
    now: dt.datetime,
    reply_to: Message | None = None,
) -> Message:
    """A new message (validated values) to distinct recipients, in the order given."""
    seen: list[int] = []
    for user_id in recipient_ids:
        if user_id not in seen and user_id != sender_id:
            seen.append(user_id)
    return Message(
        sender_id=sender_id,
        subject=subject,
        body=body,
        sent_at=now,
        recipients=[MessageRecipient(user_id=i) for i in seen],
        reply_to_id=reply_to.id if reply_to is not None else None,
        thread_id=reply_to.thread_root_id if reply_to is not None else None,
    )
