"""Ports every context uses: time, password hashing, mail delivery, file storage, and what
caches of read models need (data versions, a cache of rendered fragments)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO, Hashable, Protocol

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




class DataVersions(Protocol):
    """Which state of the data a read belongs to: a number that every committed write to what
    the Examenoverzicht and the Examendashboard read raises, in every process and on every server."""

    def examination(self) -> int: ...


class FragmentCache(Protocol):
    """Rendered fragments of pages, each valid in a window of time [from, until) of the clock,
    because statuses change when a planned part starts without any write."""

    def get(self, key: Hashable, now: dt.datetime) -> str | None: ...

    def put(self, key: Hashable, value: str, *, now: dt.datetime, valid_until: dt.datetime | None) -> None: ...
