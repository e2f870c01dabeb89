"""Messages (berichten, manual chapter 4): 'Mijn berichten', 'Nieuw bericht', reading and replying.

Who may write to whom is the domain's ``may_write_to``; a crafted form naming someone else is
refused as a whole, nothing sent. Every recipient gets an e-mail through the outbox, in the
same transaction, saying *that* a message is waiting and from whom, never what it says: mail
leaves the platform, the message does not.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Sequence

import attrs

from mijnportfolio.domain.errors import DomainError, NotFound, check, raise_collected
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.messages import (
    Correspondent,
    Message,
    MessageDataInvalid,
    NothingToReplyTo,
    RecipientNotAllowed,
    check_recipient_count,
    compose,
    may_write_to,
    not_allowed_message,
    reply_subject,
    validate_body,
    validate_subject,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, StudentFacts

from .mail import queue_mail
from .ports.common import Clock
from .ports.messages import InboxPage, MessageCounts, MessageQuery, SentPage
from .ports.students import Option
from .ports.unit_of_work import UnitOfWork, saved_id

__all__ = [
    "MessageCounts", "NewMessage", "MessageView", "RecipientChoices", "ReplyDraft", "message_counts", "inbox",
    "sent_messages", "recipient_options", "send_message", "open_message", "reply_draft",
]

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000  # a page number from a URL beyond any real inbox
NOT_FOUND = "Dit bericht bestaat niet of is niet aan jou gericht."
GROUP_NOT_FOUND = "Deze deelnemergroep bestaat niet of je hebt er geen toegang toe."
GROUP_EMPTY = "In deze deelnemergroep zit geen student aan wie je een bericht mag sturen."


def message_counts(query_or_uow: MessageQuery | UnitOfWork, actor: Actor) -> MessageCounts:
    """'Mijn berichten' on a start page: how many received messages are new, and how many in all.

    Takes the read model (``container().message_query()``) or a unit of work."""
    if isinstance(query_or_uow, MessageQuery):
        return query_or_uow.counts(actor.user_id)
    with query_or_uow as uow:
        return uow.messages.counts(actor.user_id)


def _page_size(per_page: int) -> int:
    return min(MAX_PAGE_SIZE, max(1, per_page))


def inbox(query: MessageQuery, actor: Actor, page: int = 1, per_page: int = DEFAULT_PAGE_SIZE) -> InboxPage:
    """Received messages, newest first; a page beyond the last shows the last."""
    size = _page_size(per_page)
    result = query.inbox(actor.user_id, min(MAX_PAGE, max(1, page)), size)
    if not result.rows and result.total and page > result.pages:
        result = query.inbox(actor.user_id, result.pages, size)
    return result


def sent_messages(query: MessageQuery, actor: Actor, page: int = 1, per_page: int = DEFAULT_PAGE_SIZE) -> SentPage:
    """Sent messages, newest first, with how many recipients have read each."""
    size = _page_size(per_page)
    result = query.sent(actor.user_id, min(MAX_PAGE, max(1, page)), size)
    if not result.rows and result.total and page > result.pages:
        result = query.sent(actor.user_id, result.pages, size)
    return result


# -- whom one may write to ------------------------------------------------------------------------


@attrs.frozen
class RecipientChoices:
    """Whom the actor may write to: staff and students (user id, name and role), and groups."""

    staff: tuple[Option, ...]
    students: tuple[Option, ...]
    groups: tuple[Option, ...]

    @property
    def people(self) -> tuple[Option, ...]:
        return self.staff + self.students


def may_write_to_groups(actor: Actor) -> bool:
    """Staff write to a whole participant group they may see (students do not)."""
    return actor.role is not Role.STUDENT and (actor.is_admin or actor.organisation_id is not None)


def _label(person: Correspondent) -> str:
    role = {Role.STUDENT: "student"}.get(person.role, person.role.label.lower())
    return f"{person.name} ({role})"


def recipient_options(query: MessageQuery, actor: Actor) -> RecipientChoices:
    """Everyone ``actor`` may write to, by name, decided person by person by the policy."""
    writer_student = query.student_facts(actor.user_id) if actor.role is Role.STUDENT else None
    if actor.is_admin:
        found = query.candidates(None, include_students=True, students_linked_to=None)
    elif actor.organisation_id is None:
        found = []
    elif actor.role is Role.STUDENT:
        found = query.candidates(actor.organisation_id, include_students=False, students_linked_to=None)
    else:
        found = query.candidates(actor.organisation_id, include_students=True, students_linked_to=actor.user_id)
    allowed = [p for p in found if may_write_to(actor, p, writer_student=writer_student)]
    groups: tuple[Option, ...] = ()
    if may_write_to_groups(actor):
        groups = tuple(query.groups(None if actor.is_admin else actor.organisation_id))
    return RecipientChoices(
        staff=tuple(Option(p.user_id, _label(p)) for p in allowed if p.role is not Role.STUDENT),
        students=tuple(Option(p.user_id, _label(p)) for p in allowed if p.role is Role.STUDENT),
        groups=groups,
    )


def _writer_student(uow: UnitOfWork, actor: Actor) -> StudentFacts | None:
    if actor.role is not Role.STUDENT:
        return None
    student = uow.students.get_by_user_id(actor.user_id)
    if student is None:
        return None
    return student.facts(uow.attempts.examiner_ids_of_student(saved_id(student.id)))


# -- sending --------------------------------------------------------------------------------------


@attrs.frozen
class NewMessage:
    """What the 'Nieuw bericht' form sends: chosen people and/or one participant group."""

    recipient_ids: tuple[int, ...]
    subject: str | None
    body: str | None
    group_id: int | None = None
    reply_to_id: int | None = None


def _group_user_ids(uow: UnitOfWork, actor: Actor, group_id: int) -> Sequence[int]:
    if not may_write_to_groups(actor):
        raise RecipientNotAllowed(
            "Alleen begeleiders en beheerders sturen een bericht aan een hele deelnemergroep.", field="group_id"
        )
    group = uow.groups.get(group_id)
    if group is None or (not actor.is_admin and group.organisation_id != actor.organisation_id):
        raise RecipientNotAllowed(GROUP_NOT_FOUND, field="group_id")
    return uow.messages.group_member_user_ids(group_id)


def send_message(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    data: NewMessage,
    *,
    message_url: Callable[[int], str] | None = None,
) -> int:
    """Send a message to the chosen people (each must be allowed, or nothing is sent) and to
    the students of a chosen group whom the actor may write to. Returns the message id.

    Every problem of the form is reported at once (MessageDataInvalid, or the one error)."""
    chosen = list(dict.fromkeys(i for i in data.recipient_ids if i != actor.user_id))
    errors: list[DomainError] = []
    subject = check(errors, lambda: validate_subject(data.subject))
    body = check(errors, lambda: validate_body(data.body))
    with uow:
        writer_student = _writer_student(uow, actor)
        members: Sequence[int] = ()
        if data.group_id is not None:
            members = check(errors, lambda: _group_user_ids(uow, actor, data.group_id or 0)) or ()
        people = {p.user_id: p for p in uow.messages.correspondents([*chosen, *members])}

        def allowed(user_id: int) -> bool:
            person = people.get(user_id)
            return person is not None and may_write_to(actor, person, writer_student=writer_student)

        refused = [i for i in chosen if not allowed(i)]
        if refused:
            errors.append(RecipientNotAllowed(not_allowed_message(len(refused)), field="recipients"))
        # A group expands to its students the writer may write to; the others are simply not in it.
        from_group = [i for i in members if i != actor.user_id and allowed(i)]
        if members and not from_group:
            errors.append(RecipientNotAllowed(GROUP_EMPTY, field="group_id"))
        elif data.group_id is not None and not members and not any(e.field == "group_id" for e in errors):
            errors.append(RecipientNotAllowed(GROUP_EMPTY, field="group_id"))
        recipients = list(dict.fromkeys([*chosen, *from_group]))
        if not refused and not any(e.field == "group_id" for e in errors):
            check(errors, lambda: check_recipient_count(len(recipients)))
        reply_to: Message | None = None
        if data.reply_to_id is not None:
            reply_to = uow.messages.get(data.reply_to_id)
            if reply_to is None or not reply_to.is_party(actor.user_id):
                raise NotFound(NOT_FOUND)
        raise_collected(errors, MessageDataInvalid)
        assert subject is not None and body is not None  # raise_collected raised otherwise
        message = compose(actor.user_id, subject, body, recipients, clock.now(), reply_to)
        uow.messages.add(message)
        uow.flush()
        message_id = saved_id(message.id)
        sender = uow.users.get(actor.user_id)
        sender_name = sender.full_name if sender is not None else "MijnPortfolio"
        url = message_url(message_id) if message_url else None
        for user_id in message.recipient_ids():
            queue_mail(uow, clock, notification(people[user_id], sender_name, url))
        uow.commit()
        return message_id


def notification(recipient: Correspondent, sender_name: str, url: str | None) -> EmailMessage:
    """The e-mail that a message is waiting: who sent it, never its subject or text."""
    return EmailMessage(
        to=(recipient.email,),
        subject=f"Nieuw bericht in MijnPortfolio van {sender_name}",
        body=(
            f"Beste {recipient.name},\n\n"
            f"{sender_name} heeft je een bericht gestuurd in MijnPortfolio.\n"
            + (f"Log in om het te lezen:\n\n{url}\n\n" if url else "Log in om het te lezen.\n\n")
            + "Om je privacy te beschermen staat de inhoud van het bericht alleen in MijnPortfolio, niet in deze e-mail.\n"
        ),
    )


# -- reading --------------------------------------------------------------------------------------


@attrs.frozen
class RecipientView:
    user_id: int
    name: str
    read_at: dt.datetime | None  # shown to the sender only


@attrs.frozen
class ThreadItem:
    message_id: int
    subject: str
    sender_name: str
    sent_at: dt.datetime
    is_current: bool


@attrs.frozen
class MessageView:
    id: int
    subject: str
    body: str
    sent_at: dt.datetime
    sender_id: int
    sender_name: str
    is_sender: bool
    recipients: tuple[RecipientView, ...]
    thread: tuple[ThreadItem, ...]
    may_reply: bool
    may_reply_all: bool

    @property
    def read_count(self) -> int:
        return sum(1 for r in self.recipients if r.read_at is not None)


def open_message(uow: UnitOfWork, actor: Actor, clock: Clock, message_id: int) -> MessageView:
    """One message for its sender or one of its recipients (404 for anyone else). Opening it
    marks it read for this recipient only; the sender sees who has read it."""
    with uow:
        message = uow.messages.get(message_id)
        if message is None or not message.is_party(actor.user_id):
            raise NotFound(NOT_FOUND)
        if message.mark_read(actor.user_id, clock.now()):
            uow.commit()
        root = message.thread_root_id
        thread = [m for m in uow.messages.in_thread(root) if m.is_party(actor.user_id)] if root is not None else [message]
        user_ids = {message.sender_id, *message.recipient_ids(), *(m.sender_id for m in thread)}
        people = {p.user_id: p for p in uow.messages.correspondents(user_ids)}
        names = {i: p.name for i, p in people.items()}
        is_sender = message.sender_id == actor.user_id
        writer_student = _writer_student(uow, actor)
        others = _reply_targets(message, actor.user_id, to_all=True)
        allowed = [i for i in others if i in people and may_write_to(actor, people[i], writer_student=writer_student)]
        sender = people.get(message.sender_id)
        return MessageView(
            id=saved_id(message.id),
            subject=message.subject,
            body=message.body,
            sent_at=message.sent_at,
            sender_id=message.sender_id,
            sender_name=names.get(message.sender_id, "Onbekend"),
            is_sender=is_sender,
            recipients=tuple(
                RecipientView(r.user_id, names.get(r.user_id, "Onbekend"), r.read_at if is_sender else None)
                for r in message.recipients
            ),
            thread=tuple(
                ThreadItem(saved_id(m.id), m.subject, names.get(m.sender_id, "Onbekend"), m.sent_at, m.id == message.id)
                for m in thread
            ) if len(thread) > 1 else (),
            may_reply=not is_sender and sender is not None and may_write_to(actor, sender, writer_student=writer_student),
            may_reply_all=bool(allowed) and (is_sender or len(others) > 1),
        )


def _reply_targets(message: Message, user_id: int, *, to_all: bool) -> list[int]:
    if message.sender_id == user_id:
        return message.recipient_ids()  # writing on to the recipients of one's own message
    if not to_all:
        return [message.sender_id]
    return [message.sender_id, *(i for i in message.recipient_ids() if i != user_id)]


@attrs.frozen
class ReplyDraft:
    """The reply form, filled in: the people it goes to (only those the replier may still
    write to), the names of those left out, and the subject 'Re: ...'."""

    reply_to_id: int
    recipient_ids: tuple[int, ...]
    left_out: tuple[str, ...]
    subject: str


def reply_draft(uow: UnitOfWork, actor: Actor, message_id: int, *, to_all: bool) -> ReplyDraft:
    """'Beantwoorden' (to the sender) or 'Allen beantwoorden' (also to the other recipients).
    Raises NothingToReplyTo when none of them may receive a message from the actor."""
    with uow:
        message = uow.messages.get(message_id)
        if message is None or not message.is_party(actor.user_id):
            raise NotFound(NOT_FOUND)
        targets = _reply_targets(message, actor.user_id, to_all=to_all)
        people = {p.user_id: p for p in uow.messages.correspondents(targets)}
        writer_student = _writer_student(uow, actor)
        allowed = [i for i in targets if i in people and may_write_to(actor, people[i], writer_student=writer_student)]
        left_out = [people[i].name if i in people else "Onbekend" for i in targets if i not in allowed]
        if not allowed:
            raise NothingToReplyTo()
        return ReplyDraft(
            reply_to_id=saved_id(message.id), recipient_ids=tuple(allowed), left_out=tuple(left_out),
            subject=reply_subject(message.subject),
        )
