"""Queueing e-mail in the transactional outbox and delivering it."""

from __future__ import annotations

import base64
import datetime as dt

import attrs

from mijnportfolio.domain.mail import Attachment, EmailMessage, OutboxMessage

from .ports.common import Clock, Mailer
from .ports.unit_of_work import UnitOfWork, UnitOfWorkFactory


def outbox_message(message: EmailMessage, now: dt.datetime) -> OutboxMessage:
    """``message`` as a row of the outbox (attachments base64 in JSON)."""
    return OutboxMessage(
        recipients=",".join(message.to),
        subject=message.subject,
        body=message.body,
        created_at=now,
        attachments=[
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in message.attachments
        ],
    )


def queue_mail(uow: UnitOfWork, clock: Clock, message: EmailMessage) -> None:
    """Add ``message`` to the outbox inside the caller's unit of work (it commits)."""
    uow.outbox.add(outbox_message(message, clock.now()))


def _to_message(item: OutboxMessage) -> EmailMessage:
    return EmailMessage(
        to=tuple(r for r in item.recipients.split(",") if r),
        subject=item.subject,
        body=item.body,
        attachments=tuple(
            Attachment(a["filename"], a["content_type"], base64.b64decode(a["data"]))
            for a in (item.attachments or [])
        ),
    )


@attrs.frozen
class DeliveryReport:
    sent: int
    failed: int
    pending: int


def send_outbox(uow_factory: UnitOfWorkFactory, mailer: Mailer, clock: Clock, *, batch: int = 100) -> DeliveryReport:
    """Deliver due messages. Each message's outcome is committed on its own, so a crash or an
    SMTP outage halfway loses nothing and sends nothing twice that was recorded as sent."""
    sent = failed = 0
    while True:
        with uow_factory() as uow:
            due = uow.outbox.due(clock.now(), batch)
            if not due:
                pending = uow.outbox.pending_count()
                break
            for item in due:
                try:
                    mailer.send(_to_message(item))
                except Exception as exc:  # noqa: BLE001 - any transport error means: retry later
                    item.record_failure(f"{type(exc).__name__}: {exc}", clock.now())
                    failed += 1
                else:
                    item.record_sent(clock.now())
                    sent += 1
                uow.commit()
        if failed:
            # Stop after a batch with failures: the server is likely down; back-off decides.
            with uow_factory() as uow:
                pending = uow.outbox.pending_count()
            break
    return DeliveryReport(sent=sent, failed=failed, pending=pending)
