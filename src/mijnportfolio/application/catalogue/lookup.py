"""Records by id, or NotFound (404) with a Dutch message."""

from __future__ import annotations

from typing import TypeVar

from mijnportfolio.domain.catalogue import Exam, Module, Programme
from mijnportfolio.domain.errors import NotFound

from ..ports.unit_of_work import UnitOfWork

T = TypeVar("T")


def find_programme(uow: UnitOfWork, programme_id: int) -> Programme:
    programme = uow.programmes.get(programme_id)
    if programme is None:
        raise NotFound("Deze opleiding bestaat niet.")
    return programme


def find_module(uow: UnitOfWork, module_id: int) -> Module:
    module = uow.modules.get(module_id)
    if module is None:
        raise NotFound("Deze module bestaat niet.")
    return module


def find_exam(uow: UnitOfWork, exam_id: int) -> Exam:
    exam = uow.exams.get(exam_id)
    if exam is None:
        raise NotFound("Dit examen bestaat niet.")
    return exam


def found(item: T | None, message: str) -> T:
    if item is None:
        raise NotFound(message)
    return item


