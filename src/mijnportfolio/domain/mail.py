"""E-mail as the domain sees it: a message and its place in the transactional outbox."""

from __future__ import annotations

import datetime as dt

import attrs


@attrs.frozen
class Attachment:
    filename: str
    content_type: str
    data: bytes


@attrs.frozen
class EmailMessage:
    """One e-mail to one or more recipients."""

    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


MAX_DELIVERY_ATTEMPTS = 10


@attrs.define(slots=False, eq=False)
class OutboxMessage:
    """An e-mail queued in the same transaction as the change that caused it.

    It leaves the outbox only once the mail server accepted it; failures are retried with
    back-off and never drop the message.
    """

    recipients: str
    subject: str
    body: str
    created_at: dt.datetime
    attachments: list[dict] = attrs.field(factory=list)
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    id: int | None = None

    def record_failure(self, error: str, now: dt.datetime) -> None:
        self.attempts += 1
        self.last_error = error[:1000]
        # Exponential back-off, capped at one hour: a long SMTP outage loses nothing.
        delay = min(60 * 2 ** (self.attempts - 1), 3600)
        self.next_attempt_at = now + dt.timedelta(seconds=delay)

    def record_sent(self, now: dt.datetime) -> None:
        self.attempts += 1
        self.sent_at = now
        self.last_error = None
