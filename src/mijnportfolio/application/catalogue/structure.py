"""The structure editor: parts, core tasks, work processes and criteria, piece by piece."""

from __future__ import annotations

from typing import Mapping

import attrs

from mijnportfolio.domain.catalogue import (
    CoreTask,
    Criterion,
    Exam,
    ExamPart,
    WorkProcess,
    normalise_descriptors,
    validate_code,
)
from mijnportfolio.domain.errors import (
    DomainError,
    InvalidValue,
    check,
    raise_collected,
)
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.scores import Descriptors
from mijnportfolio.domain.values import optional_text, required_text

from ..ports.unit_of_work import UnitOfWork, saved_id
from .lookup import find_exam, found, refuse_when_in_use

# --- the structure editor ----------------------------------------------------------------------


@attrs.frozen
class PartData:
    title: str


@attrs.frozen
class CoreTaskData:
    code: str
    title: str = ""


@attrs.frozen
class WorkProcessData:
    core_task_id: int | None
    code: str
    title: str = ""


@attrs.frozen
class CriterionData:
    part_id: int | None
    work_process_id: int | None
    text: str
    knock_out: bool = False
    descriptors: Mapping[int, str] = attrs.field(factory=dict)


def add_part(uow: UnitOfWork, actor: Actor, exam_id: int, data: PartData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    title = optional_text(data.title, max_length=200, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een onderdeel toevoegen")
        # No title means none: the part is shown by its number alone.
        part = exam.add_part(title)
        uow.flush()
        uow.commit()
        return saved_id(part.id)


def update_part(uow: UnitOfWork, actor: Actor, exam_id: int, part_id: int, data: PartData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    title = optional_text(data.title, max_length=200, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        part = found(exam.part(part_id), "Dit onderdeel bestaat niet.")
        part.title = title
        uow.commit()


def delete_part(uow: UnitOfWork, actor: Actor, exam_id: int, part_id: int) -> None:
    """Delete a part and its criteria; later parts move up a number so that there is no gap."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een onderdeel verwijderen")
        part = found(exam.part(part_id), "Dit onderdeel bestaat niet.")
        exam.remove_part(part)
        uow.flush()  # the delete goes first: part numbers are unique per exam
        exam.renumber_parts()
        uow.commit()


def add_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, data: CoreTaskData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code")
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        core_task = exam.add_core_task(code, title)
        uow.flush()
        uow.commit()
        return saved_id(core_task.id)


def update_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, core_task_id: int, data: CoreTaskData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code")
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        exam.rename_core_task(found(exam.core_task(core_task_id), "Deze kerntaak bestaat niet."), code, title)
        uow.commit()


def delete_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, core_task_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een kerntaak verwijderen")
        exam.remove_core_task(found(exam.core_task(core_task_id), "Deze kerntaak bestaat niet."))
        uow.commit()


def _chosen_core_task(exam: Exam, core_task_id: int | None) -> CoreTask:
    core_task = exam.core_task(int(core_task_id)) if core_task_id else None
    if core_task is None:
        raise InvalidValue("Kies een kerntaak van dit examen.", field="core_task_id")
    return core_task


def add_work_process(uow: UnitOfWork, actor: Actor, exam_id: int, data: WorkProcessData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code", max_length=40)
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        work_process = exam.add_work_process(_chosen_core_task(exam, data.core_task_id), code, title)
        uow.flush()
        uow.commit()
        return saved_id(work_process.id)


def update_work_process(
    uow: UnitOfWork, actor: Actor, exam_id: int, work_process_id: int, data: WorkProcessData
) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code", max_length=40)
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = find_exam(uow, exam_id)
        work_process = found(exam.work_process(work_process_id), "Dit werkproces bestaat niet.")
        core_task = _chosen_core_task(exam, data.core_task_id)
        if core_task is not work_process.core_task:
            refuse_when_in_use(uow, exam, "een werkproces naar een andere kerntaak verplaatsen")
        exam.change_work_process(work_process, core_task, code, title)
        uow.commit()


def delete_work_process(uow: UnitOfWork, actor: Actor, exam_id: int, work_process_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een werkproces verwijderen")
        exam.remove_work_process(found(exam.work_process(work_process_id), "Dit werkproces bestaat niet."))
        uow.commit()


def _validated_criterion(exam: Exam, data: CriterionData) -> tuple[ExamPart, WorkProcess, str, Descriptors]:
    """Every field's problem at once (by field)."""
    errors: list[DomainError] = []
    part = exam.part(int(data.part_id)) if data.part_id else None
    if part is None:
        errors.append(InvalidValue("Kies een onderdeel van dit examen.", field="part_id"))
    work_process = exam.work_process(int(data.work_process_id)) if data.work_process_id else None
    if work_process is None:
        errors.append(InvalidValue("Kies een werkproces van dit examen.", field="work_process_id"))
    text = check(errors, lambda: required_text(data.text, "De tekst van het criterium", field="text", max_length=2000))
    descriptors = check(errors, lambda: normalise_descriptors(dict(data.descriptors)))
    raise_collected(errors)
    assert part is not None and work_process is not None  # raise_collected refused them otherwise
    return part, work_process, text or "", descriptors or Descriptors()


def add_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, data: CriterionData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een criterium toevoegen")
        part, work_process, text, descriptors = _validated_criterion(exam, data)
        criterion = Criterion(text=text, work_process=work_process, knock_out=bool(data.knock_out), descriptors=descriptors)
        exam.add_criterion(part, criterion)
        uow.flush()
        uow.commit()
        return saved_id(criterion.id)


def update_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int, data: CriterionData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        criterion = found(exam.criterion(criterion_id), "Dit criterium bestaat niet.")
        part, work_process, text, descriptors = _validated_criterion(exam, data)
        if part.id != criterion.part_id or work_process is not criterion.work_process or bool(data.knock_out) != bool(criterion.knock_out):
            # Texts and descriptors may be corrected; what decides a grade may not, once students have results.
            refuse_when_in_use(uow, exam, "het onderdeel, het werkproces of de knock-out van een criterium wijzigen")
        exam.move_criterion_to_part(criterion, part)
        criterion.text = text
        criterion.work_process = work_process
        criterion.knock_out = bool(data.knock_out)
        criterion.descriptors = descriptors
        uow.commit()


def delete_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "een criterium verwijderen")
        exam.remove_criterion(found(exam.criterion(criterion_id), "Dit criterium bestaat niet."))
        uow.commit()


def move_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int, step: int) -> None:
    """Move a criterion one place up (step -1) or down (+1) within its part."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        exam.move_criterion(found(exam.criterion(criterion_id), "Dit criterium bestaat niet."), -1 if step < 0 else 1)
        uow.commit()


