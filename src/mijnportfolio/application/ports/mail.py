"""The transactional outbox."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, Sequence

from mijnportfolio.domain.mail import OutboxMessage


class OutboxRepository(Protocol):
    """The transactional outbox: queued e-mail, due when next_attempt_at has passed."""

    def add(self, message: OutboxMessage) -> None: ...

    def due(self, now: dt.datetime, limit: int) -> Sequence[OutboxMessage]: ...

    def pending_count(self) -> int: ...


