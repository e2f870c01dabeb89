"""The SMTP adapter against a real SMTP server (aiosmtpd on loopback), and the outbox CLI:
queued mail is delivered once, retried with back-off and never lost while the server is down."""

from __future__ import annotations

import datetime as dt
import email
import io
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from mijnportfolio.adapters.mail import ConsoleMailer, SmtpMailer
from mijnportfolio.application.mail import queue_mail
from mijnportfolio.domain.mail import Attachment, EmailMessage
from mijnportfolio.entrypoints.cli import main as cli
from tests.helpers import build_test_app


def free_port() -> int:
    # aiosmtpd's Controller cannot start on port 0: pick a free port first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


MESSAGE = EmailMessage(
    to=("student1@demo.nl", "examinator@demo.nl"),
    subject="Examen ingepland: LM – onderdeel 1",
    body="Beste student,\n\nJe examen is ingepland op 14-09-2026 om 10:00.\n",
    attachments=(Attachment("examen.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),),
)


def test_the_smtp_mailer_delivers_a_message_with_attachment(smtp_server):
    mailer = SmtpMailer("127.0.0.1", smtp_server.port, "MijnPortfolio <noreply@school.nl>", timeout=5)
    mailer.send(MESSAGE)
    [envelope] = smtp_server.inbox.envelopes
    assert envelope.mail_from == "noreply@school.nl"
    assert sorted(envelope.rcpt_tos) == ["examinator@demo.nl", "student1@demo.nl"]
    [received] = smtp_server.inbox.messages()
    assert received["Subject"] == "Examen ingepland: LM – onderdeel 1"
    assert received["From"] == "MijnPortfolio <noreply@school.nl>"
    assert "14-09-2026" in received.get_body(("plain",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "examen.ics"
    assert attachment.get_content_type() == "text/calendar"


def test_the_smtp_mailer_raises_when_the_server_is_down():
    mailer = SmtpMailer("127.0.0.1", free_port(), "noreply@school.nl", timeout=2)
    with pytest.raises(OSError):
        mailer.send(MESSAGE)


def test_the_console_mailer_prints_the_whole_message():
    stream = io.StringIO()
    ConsoleMailer("noreply@school.nl", stream=stream).send(MESSAGE)
    text = stream.getvalue()
    assert "To: student1@demo.nl, examinator@demo.nl" in text
    assert "examen.ics" in text


# --- The outbox through the CLI: `mijnportfolio outbox send` ---


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_app(tmp_path, clock, smtp_port):
    app = build_test_app(tmp_path, clock=clock, mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=smtp_port)
    yield app
    app.extensions["container"].engine().dispose()


def _queue(app, count: int = 1) -> None:
    c = app.extensions["container"]
    with c.uow() as uow:
        for i in range(count):
            queue_mail(uow, c.clock(), EmailMessage(to=(f"user{i}@demo.nl",), subject=f"Bericht {i}", body="Hallo"))
        uow.commit()


def _outbox(app):
    with app.extensions["container"].uow() as uow:
        return [
            (m.attempts, m.sent_at is not None, m.last_error, m.next_attempt_at)
            for m in uow.outbox.due(dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc), 1000)
        ], uow.outbox.pending_count()


def _send(app):
    return app.test_cli_runner().invoke(cli, ["outbox", "send"])


def test_outbox_send_delivers_queued_mail_once(smtp_app, smtp_port):
    server = SmtpServer(smtp_port)
    server.start()
    try:
        _queue(smtp_app, 3)
        result = _send(smtp_app)
        assert result.exit_code == 0, result.output
        assert "sent=3 failed=0 pending=0" in result.output
        assert sorted(m["Subject"] for m in server.inbox.messages()) == ["Bericht 0", "Bericht 1", "Bericht 2"]
        again = _send(smtp_app)
        assert "sent=0 failed=0 pending=0" in again.output
        assert len(server.inbox.envelopes) == 3
    finally:
        server.stop()


def test_a_down_server_keeps_mail_queued_and_it_is_delivered_later_exactly_once(smtp_app, smtp_port, clock):
    _queue(smtp_app, 2)

    # The server is down: nothing is lost, each message records the attempt and the error.
    result = _send(smtp_app)
    assert result.exit_code == 1
    assert "sent=0 failed=2 pending=2" in result.output
    rows, pending = _outbox(smtp_app)
    assert pending == 2
    assert [r[0] for r in rows] == [1, 1]
    for attempts, sent, error, next_attempt in rows:
        assert not sent
        assert "Connection" in error or "Errno" in error
        assert next_attempt == clock.now() + dt.timedelta(minutes=1)

    # Back-off: right away nothing is retried (the failed ones are not due yet).
    before_retry = _send(smtp_app)
    assert "sent=0" in before_retry.output

    # A second failure doubles the wait.
    clock.advance(minutes=1)
    _send(smtp_app)
    rows, pending = _outbox(smtp_app)
    assert pending == 2
    assert [r[0] for r in rows] == [2, 2]
    assert all(r[3] == clock.now() + dt.timedelta(minutes=2) for r in rows)

    # The server comes back: after the back-off every message is delivered, once.
    server = SmtpServer(smtp_port)
    server.start()
    try:
        clock.advance(minutes=2)
        result = _send(smtp_app)
        assert result.exit_code == 0, result.output
        assert "pending=0" in result.output
        assert sorted(m["Subject"] for m in server.inbox.messages()) == ["Bericht 0", "Bericht 1"]
        clock.advance(hours=2)
        _send(smtp_app)
        assert len(server.inbox.envelopes) == 2
    finally:
        server.stop()
    _, pending = _outbox(smtp_app)
    assert pending == 0


def test_the_back_off_is_capped_at_one_hour(smtp_app, clock):
    _queue(smtp_app, 1)
    for _ in range(9):
        _send(smtp_app)
        clock.advance(hours=1)
    rows, pending = _outbox(smtp_app)
    assert pending == 1
    [(attempts, sent, error, next_attempt)] = rows
    assert attempts == 9 and not sent
    assert next_attempt - (clock.now() - dt.timedelta(hours=1)) == dt.timedelta(hours=1)
