"""The FAQ."""

from __future__ import annotations

from typing import Protocol, Sequence

from mijnportfolio.domain.faq import FaqItem


class FaqRepository(Protocol):
    """FAQ items in their order."""

    def add(self, item: FaqItem) -> None: ...

    def get(self, item_id: int) -> FaqItem | None: ...

    def list(self) -> Sequence[FaqItem]: ...

    def delete(self, item: FaqItem) -> None: ...


