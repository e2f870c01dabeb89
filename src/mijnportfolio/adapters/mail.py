"""Mailers: SMTP for production, console for development, memory for tests."""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage as MimeMessage
from typing import TextIO

from mijnportfolio.domain.mail import EmailMessage


def to_mime(message: EmailMessage, sender: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = ", ".join(message.to)
    mime["Subject"] = message.subject
    mime.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    return mime


class SmtpMailer:
    """Sends through an SMTP server; raises on any failure so that the outbox retries."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 15.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(to_mime(message, self.sender))


class ConsoleMailer:
    """Prints mail to a stream: for development, where no mail server is at hand."""

    def __init__(self, sender: str, stream: TextIO | None = None) -> None:
        self.sender = sender
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        out = self.stream or sys.stderr
        out.write(to_mime(message, self.sender).as_string() + "\n" + "-" * 72 + "\n")
        out.flush()


class MemoryMailer:
    """Keeps sent mail in a list; ``fail_with`` makes every send raise (outbox tests)."""

    def __init__(self, sender: str = "noreply@example.test") -> None:
        self.sender = sender
        self.sent: list[EmailMessage] = []
        self.fail_with: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)
