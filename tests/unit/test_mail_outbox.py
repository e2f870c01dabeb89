"""The transactional outbox with a fake mailer: delivered once, retried with back-off,
never lost."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.application.mail import queue_mail, send_outbox
from mijnportfolio.domain.mail import Attachment, EmailMessage, OutboxMessage
from tests.unit.fakes import FakeClock, FakeMailer, FakeUnitOfWorkFactory


def _queue(uow_factory, clock, n=1, attachments=()):
    with uow_factory() as uow:
        for i in range(n):
            queue_mail(uow, clock, EmailMessage(to=(f"u{i}@demo.nl", "cc@demo.nl"), subject=f"S{i}", body="b",
                                                attachments=attachments))
        uow.commit()


def test_queued_mail_is_sent_once_with_its_attachments():
    uow, clock, mailer = FakeUnitOfWorkFactory(), FakeClock(), FakeMailer()
    ics = Attachment("plan.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n\x00\xff")
    _queue(uow, clock, 2, attachments=(ics,))
    report = send_outbox(uow, mailer, clock)
    assert (report.sent, report.failed, report.pending) == (2, 0, 0)
    assert [m.to for m in mailer.sent] == [("u0@demo.nl", "cc@demo.nl"), ("u1@demo.nl", "cc@demo.nl")]
    assert mailer.sent[0].attachments == (ics,)
    assert send_outbox(uow, mailer, clock).sent == 0
    assert len(mailer.sent) == 2


def test_a_failure_keeps_the_message_with_attempts_and_error():
    uow, clock, mailer = FakeUnitOfWorkFactory(), FakeClock(), FakeMailer()
    _queue(uow, clock)
    mailer.fail_with = ConnectionRefusedError("server down")
    report = send_outbox(uow, mailer, clock)
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    [message] = uow.store.tables["outbox"].values()
    assert message.attempts == 1
    assert message.last_error == "ConnectionRefusedError: server down"
    assert message.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert message.sent_at is None


def test_the_back_off_doubles_and_delivery_follows_when_the_server_is_back():
    uow, clock, mailer = FakeUnitOfWorkFactory(), FakeClock(), FakeMailer()
    _queue(uow, clock)
    mailer.fail_with = OSError("down")
    send_outbox(uow, mailer, clock)
    clock.advance(seconds=59)
    assert send_outbox(uow, mailer, clock).failed == 0  # not due yet
    clock.advance(seconds=1)
    send_outbox(uow, mailer, clock)
    [message] = uow.store.tables["outbox"].values()
    assert message.attempts == 2
    assert message.next_attempt_at == clock.now() + dt.timedelta(minutes=2)
    mailer.fail_with = None
    clock.advance(minutes=2)
    assert send_outbox(uow, mailer, clock).sent == 1
    [message] = uow.store.tables["outbox"].values()
    assert message.sent_at == clock.now() and message.last_error is None
    assert len(mailer.sent) == 1


@given(st.integers(min_value=1, max_value=60))
def test_the_back_off_grows_and_never_exceeds_an_hour(failures):
    now = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    message = OutboxMessage(recipients="a@demo.nl", subject="s", body="b", created_at=now)
    delays = []
    for _ in range(failures):
        message.record_failure("down", now)
        delays.append(message.next_attempt_at - now)
    assert delays == sorted(delays)
    assert all(dt.timedelta(minutes=1) <= d <= dt.timedelta(hours=1) for d in delays)
    assert message.sent_at is None and message.attempts == failures


def test_messages_in_a_batch_after_a_failure_are_still_tried():
    uow, clock = FakeUnitOfWorkFactory(), FakeClock()

    class FlakyMailer(FakeMailer):
        def send(self, message):
            if message.subject == "S0":
                raise OSError("mailbox unavailable")
            super().send(message)

    mailer = FlakyMailer()
    _queue(uow, clock, 3)
    report = send_outbox(uow, mailer, clock, batch=10)
    assert (report.sent, report.failed, report.pending) == (2, 1, 1)
    assert [m.subject for m in mailer.sent] == ["S1", "S2"]
