"""Frequently asked questions, maintained by admins and read by everyone."""

from __future__ import annotations

import attrs


@attrs.define(slots=False, eq=False)
class FaqItem:
    question: str
    answer: str
    position: int = 0
    id: int | None = None
    version: int = 1
