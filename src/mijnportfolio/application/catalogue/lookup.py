"""Records by id, or NotFound (404) with a Dutch message."""

from __future__ import annotations

from typing import TypeVar

from mijnportfolio.domain.catalogue import Exam, ExamInUse, Module, Programme
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


def refuse_when_in_use(uow: UnitOfWork, exam: Exam, action: str) -> None:
    """Raise ExamInUse when students have attempts at ``exam``; ``action`` says what was refused
    ('een onderdeel toevoegen')."""
    if exam.id is not None and uow.attempts.exists_for_exam(exam.id):
        raise ExamInUse(
            f"Bij examen {exam.code} kun je niet meer {action}: er zijn al studenten voor ingepland of beoordeeld, "
            "en hun planning en resultaten moeten blijven kloppen. Teksten en beschrijvingen kun je wel aanpassen; "
            "maak voor een nieuwe versie een examen met een andere code."
        )
