"""Frequently asked questions (veelgestelde vragen): admins maintain them, everyone reads them.

The list is short (tens of items, shown on one page in the admins' order), so it is read in
one query and searched in memory; reordering renumbers the whole list so that gaps or
duplicate positions left by older data heal themselves.
"""

from __future__ import annotations

from typing import Sequence

import attrs

from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DomainError,
    NotFound,
    check,
    raise_collected,
)
from mijnportfolio.domain.faq import FaqItem
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed, require
from mijnportfolio.domain.values import required_text, search_text

from .ports.unit_of_work import UnitOfWork, saved_id

QUESTION_MAX_LENGTH = 300
ANSWER_MAX_LENGTH = 10_000
SEARCH_MAX_LENGTH = 200


@attrs.frozen
class FaqData:
    """What an admin types in the FAQ form."""

    question: str | None
    answer: str | None


@attrs.frozen
class FaqEntry:
    """One FAQ item as a screen shows it (a plain row, detached from the unit of work)."""

    id: int
    question: str
    answer: str
    position: int
    is_first: bool = False
    is_last: bool = False
    version: int = 0


def may_edit_faq(actor: Actor) -> bool:
    """For templates and the form pages: show the admin controls or not."""
    return is_allowed(actor, Permission.EDIT_FAQ)


def _validated(data: FaqData) -> tuple[str, str]:
    errors: list[DomainError] = []
    question = check(
        errors, lambda: required_text(data.question, "Vraag", field="question", max_length=QUESTION_MAX_LENGTH)
    )
    answer = check(
        errors,
        lambda: required_text(
            _normalised_answer(data.answer), "Antwoord", field="answer", max_length=ANSWER_MAX_LENGTH
        ),
    )
    raise_collected(errors)
    return question or "", answer or ""


def _normalised_answer(value: str | None) -> str:
    # Browsers send \r\n; store \n so that lengths and rendering do not depend on the client.
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _entries(items: Sequence[FaqItem]) -> list[FaqEntry]:
    last = len(items) - 1
    return [
        FaqEntry(
            id=saved_id(item.id), question=item.question, answer=item.answer, position=item.position,
            is_first=index == 0, is_last=index == last,
        )
        for index, item in enumerate(items)
    ]


def _matches(item: FaqItem, words: list[str]) -> bool:
    haystack = search_text(item.question, item.answer)
    return all(word in haystack for word in words)


def list_faq(uow: UnitOfWork, actor: Actor, query: str | None = None) -> list[FaqEntry]:
    """All FAQ items in the admins' order; with ``query`` only those whose question or answer
    contains every word of it (case and accents ignored)."""
    require(actor, Permission.READ_FAQ)
    words = search_text((query or "")[:SEARCH_MAX_LENGTH]).split()
    with uow:
        items = list(uow.faq.list())
        entries = _entries(items)
        if words:
            # is_first/is_last stay those of the full list: moving is about the real order.
            entries = [e for e, item in zip(entries, items) if _matches(item, words)]
        return entries


def get_faq_item(uow: UnitOfWork, actor: Actor, item_id: int) -> FaqEntry:
    """One item for the edit form (admins only)."""
    require(actor, Permission.EDIT_FAQ)
    with uow:
        item = uow.faq.get(item_id)
        if item is None:
            raise NotFound("Deze vraag bestaat niet (meer).")
        return FaqEntry(
            id=saved_id(item.id), question=item.question, answer=item.answer, position=item.position,
            version=item.version,
        )


def create_faq_item(uow: UnitOfWork, actor: Actor, data: FaqData) -> int:
    """Add a question at the end of the list; returns its id."""
    require(actor, Permission.EDIT_FAQ)
    question, answer = _validated(data)
    with uow:
        existing = list(uow.faq.list())
        position = max((i.position for i in existing), default=0) + 1
        item = FaqItem(question=question, answer=answer, position=position)
        uow.faq.add(item)
        uow.flush()
        uow.commit()
        return saved_id(item.id)


def update_faq_item(
    uow: UnitOfWork, actor: Actor, item_id: int, data: FaqData, *, expected_version: int | None = None
) -> None:
    """Change a question and its answer. With ``expected_version`` (what the form was loaded
    with) an edit saved by another admin in the meantime is refused instead of overwritten."""
    require(actor, Permission.EDIT_FAQ)
    question, answer = _validated(data)
    with uow:
        item = uow.faq.get(item_id)
        if item is None:
            raise NotFound("Deze vraag bestaat niet (meer).")
        if expected_version is not None and item.version != expected_version:
            raise ConcurrentModification()
        item.question = question
        item.answer = answer
        uow.commit()


def delete_faq_item(uow: UnitOfWork, actor: Actor, item_id: int) -> str:
    """Delete an item; returns its question for the confirmation message."""
    require(actor, Permission.EDIT_FAQ)
    with uow:
        item = uow.faq.get(item_id)
        if item is None:
            raise NotFound("Deze vraag bestaat niet (meer).")
        question = item.question
        uow.faq.delete(item)
        uow.flush()
        _renumber([i for i in uow.faq.list() if i.id != item_id])
        uow.commit()
        return question


def move_faq_item(uow: UnitOfWork, actor: Actor, item_id: int, offset: int) -> bool:
    """Move an item one place up (offset -1) or down (+1). Returns False when it already is
    at that end of the list (nothing changes then)."""
    require(actor, Permission.EDIT_FAQ)
    if offset not in (-1, 1):
        raise ValueError("offset must be -1 or 1")
    with uow:
        items = list(uow.faq.list())
        index = next((n for n, i in enumerate(items) if i.id == item_id), None)
        if index is None:
            raise NotFound("Deze vraag bestaat niet (meer).")
        target = index + offset
        if not 0 <= target < len(items):
            return False
        items[index], items[target] = items[target], items[index]
        _renumber(items)
        uow.commit()
        return True


def move_faq_item_up(uow: UnitOfWork, actor: Actor, item_id: int) -> bool:
    return move_faq_item(uow, actor, item_id, -1)


def move_faq_item_down(uow: UnitOfWork, actor: Actor, item_id: int) -> bool:
    return move_faq_item(uow, actor, item_id, 1)


def _renumber(items: Sequence[FaqItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
