"""Ports of messages (berichten): the repository of sent messages and the read model of the
inbox, the sent messages, the counts and the recipients one may choose from."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence, runtime_checkable

import attrs

from mijnportfolio.domain.messages import Correspondent, Message
from mijnportfolio.domain.permissions import StudentFacts

from .students import Option


@attrs.frozen
class MessageCounts:
    """The received messages of a user: how many are unread ('nieuw') and how many in all."""

    new: int
    total: int


class MessageRepository(Protocol):
    """Messages with their recipients (and each recipient's read state)."""

    def add(self, message: Message) -> None: ...

    def get(self, message_id: int) -> Message | None: ...

    def in_thread(self, thread_id: int) -> Sequence[Message]:
        """The first message of a conversation and every message in it, oldest first."""
        ...

    def correspondents(self, user_ids: Iterable[int]) -> Sequence[Correspondent]:
        """The users of ``user_ids`` that exist, with what the policy needs (a student's facts
        including the examiners of their planned parts), in a fixed number of statements."""
        ...

    def group_member_user_ids(self, group_id: int) -> Sequence[int]:
        """The user ids of the active students in a participant group."""
        ...

    def counts(self, user_id: int) -> MessageCounts:
        """Unread and all messages received by ``user_id``."""
        ...


@attrs.frozen
class InboxRow:
    """One received message in the inbox (read state is the reader's own)."""

    message_id: int
    subject: str
    sender_name: str
    sent_at: dt.datetime
    read_at: dt.datetime | None
    recipient_count: int

    @property
    def is_new(self) -> bool:
        return self.read_at is None


@attrs.frozen
class SentRow:
    """One sent message: to whom (the first few names) and how many have read it."""

    message_id: int
    subject: str
    sent_at: dt.datetime
    recipient_names: tuple[str, ...]
    recipient_count: int
    read_count: int


@attrs.frozen
class InboxPage:
    rows: tuple[InboxRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@attrs.frozen
class SentPage:
    rows: tuple[SentRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@runtime_checkable
class MessageQuery(Protocol):
    """Reads for the message screens; each method runs a fixed number of SQL statements."""

    def inbox(self, user_id: int, page: int, per_page: int) -> InboxPage: ...

    def sent(self, user_id: int, page: int, per_page: int) -> SentPage: ...

    def counts(self, user_id: int) -> MessageCounts: ...

    def candidates(
        self, organisation_id: int | None, *, include_students: bool, students_linked_to: int | None
    ) -> Sequence[Correspondent]:
        """Active users who might be written to, by name: of one organisation (None: of every
        organisation); students only with ``include_students``, and then only those linked to
        ``students_linked_to`` when given. The use case decides with the policy; this only
        keeps the list short."""
        ...

    def student_facts(self, user_id: int) -> StudentFacts | None:
        """The facts of the student who logs in as ``user_id`` (None for staff)."""
        ...

    def groups(self, organisation_id: int | None) -> Sequence[Option]:
        """Participant groups of an organisation (None: of every organisation), by name."""
        ...
