"""Ports every context uses: time, password hashing, mail delivery, file storage."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO, Protocol

from mijnportfolio.domain.mail import EmailMessage


class Clock(Protocol):
    """Tells the current time, timezone-aware in UTC (tests set it)."""

    def now(self) -> dt.datetime: ...


class PasswordHasher(Protocol):
    """Hashes passwords one-way (argon2id) and verifies them in constant time."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class Mailer(Protocol):
    """Delivers one e-mail now or raises; callers queue through the outbox instead."""

    def send(self, message: EmailMessage) -> None: ...


class FileStore(Protocol):
    """Keeps uploaded files by an opaque key outside the database."""

    def save(self, data: bytes, *, suffix: str = "") -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


