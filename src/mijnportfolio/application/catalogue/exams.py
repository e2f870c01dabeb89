"""Exams: the header, and the whole exam from or to a definition (upload, download, demo data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from mijnportfolio.domain.catalogue import (
    DuplicateExamCode,
    Exam,
    ExamDefinition,
    Module,
    check_definition,
    validate_code,
    validate_max_attempts,
)
from mijnportfolio.domain.errors import ConcurrentModification, InvalidValue
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.scores import JustificationRule, PassMark
from mijnportfolio.domain.values import optional_text, required_text

from ..ports.unit_of_work import UnitOfWork, saved_id
from .lookup import find_exam, find_programme, refuse_when_in_use

# --- exams -----------------------------------------------------------------------------------


@attrs.frozen
class ExamData:
    code: str
    name: str
    module_id: int | None = None
    planning_instruction: str | None = None
    location: str | None = None
    max_attempts: int | str | None = None
    pass_mark: Decimal | str | float = Decimal("5.5")
    justification_scores: tuple[int, ...] = (1, 2, 5)
    work_process_minimum: str | None = None  # empty: no minimum per work process


def _validated_exam(uow: UnitOfWork, programme_id: int, data: ExamData, own_id: int | None) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        code=validate_code(data.code, "De examencode"),
        name=required_text(data.name, "Naam", field="name"),
        planning_instruction=optional_text(
            data.planning_instruction, max_length=5000, label="Planningsinstructie", field="planning_instruction"
        ),
        location=optional_text(data.location, max_length=2000, label="Locatie", field="location"),
        max_attempts=validate_max_attempts(data.max_attempts),
        pass_mark=PassMark.parse(data.pass_mark),
        justification_rule=JustificationRule.parse(data.justification_scores),
        work_process_minimum=_minimum(data.work_process_minimum),
        module_id=None,
    )
    if data.module_id:
        module = uow.modules.get(int(data.module_id))
        if module is None or module.programme_id != programme_id:
            raise InvalidValue("Kies een module van deze opleiding.", field="module_id")
        values["module_id"] = module.id
    _check_exam_code(uow, programme_id, values["code"], own_id)
    return values


def _minimum(value: object) -> PassMark | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return PassMark.parse(value)
    except InvalidValue as exc:
        raise InvalidValue(exc.message.replace("De cesuur", "Het minimum per werkproces"), field="work_process_minimum") from None


def _check_exam_code(uow: UnitOfWork, programme_id: int, code: str, own_id: int | None) -> Exam | None:
    for exam in uow.exams.list_for_programme(programme_id):
        if exam.code.casefold() == code.casefold():
            if exam.id == own_id:
                return exam
            raise DuplicateExamCode(f"Deze opleiding heeft al een examen met code {exam.code}.", field="code")
    return None


def create_exam(uow: UnitOfWork, actor: Actor, programme_id: int, data: ExamData) -> int:
    """A new exam with only its header; its structure comes from the editor or an upload."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        find_programme(uow, programme_id)
        values = _validated_exam(uow, programme_id, data, None)
        exam = Exam(programme_id=programme_id, **values)
        exam.position = len(uow.exams.list_for_programme(programme_id))
        uow.exams.add(exam)
        uow.commit()
        return saved_id(exam.id)


def update_exam(
    uow: UnitOfWork, actor: Actor, exam_id: int, data: ExamData, *, expected_version: int | None = None
) -> None:
    """Change the exam's header. With ``expected_version`` (the version the form was loaded
    with) a change someone else saved in the meantime is refused instead of overwritten."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        if expected_version is not None and exam.version != expected_version:
            raise ConcurrentModification()
        values = _validated_exam(uow, exam.programme_id, data, exam.id)
        if values["pass_mark"] != exam.pass_mark or values["work_process_minimum"] != exam.work_process_minimum:
            # Recorded results follow the rule they were given under: the rule stays.
            refuse_when_in_use(uow, exam, "de cesuur of het minimum per werkproces wijzigen")
        for key, value in values.items():
            setattr(exam, key, value)
        uow.commit()


def delete_exam(uow: UnitOfWork, actor: Actor, exam_id: int) -> int:
    """Delete an exam with its structure; returns its programme id. Refused once students have
    attempts at it: their plannings and results must be kept."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        refuse_when_in_use(uow, exam, "het examen verwijderen")
        programme_id = exam.programme_id
        uow.exams.delete(exam)
        uow.commit()
        return programme_id


# --- exam definitions (upload, download, demo data) ------------------------------------------


@attrs.frozen
class ImportResult:
    exam_id: int
    code: str
    created: bool
    part_count: int
    criterion_count: int


def build_exam(definition: ExamDefinition, programme_id: int, module_id: int | None = None) -> Exam:
    """A new Exam aggregate (not yet stored) from a definition; raises InvalidExamDefinition.

    Used by the import below and by the demo seed: ``uow.exams.add(build_exam(...))``."""
    check_definition(definition)
    exam = Exam(programme_id=programme_id, code=definition.code.strip(), name=definition.name.strip())
    exam.apply_definition(definition, module_id)
    return exam


def import_exam_definition(
    uow: UnitOfWork, actor: Actor, programme_id: int, definition: ExamDefinition, *, replace: bool = False
) -> ImportResult:
    """Create an exam from a definition, or (with ``replace``) replace the exam with the same code.

    All or nothing: a definition that breaks a rule raises InvalidExamDefinition before anything
    is written. The module named in the definition is created when the programme lacks it."""
    require(actor, Permission.EDIT_CATALOGUE)
    check_definition(definition)
    with uow:
        find_programme(uow, programme_id)
        try:
            existing = _check_exam_code(uow, programme_id, definition.code.strip(), None)
        except DuplicateExamCode:
            if not replace:
                raise DuplicateExamCode(
                    f"Deze opleiding heeft al een examen met code {definition.code.strip()}. "
                    "Vink 'Bestaand examen met dezelfde code vervangen' aan om het te vervangen.",
                    field="code",
                ) from None
            existing = next(
                e for e in uow.exams.list_for_programme(programme_id) if e.code.casefold() == definition.code.strip().casefold()
            )
        module_id = _module_by_name(uow, programme_id, definition.module)
        if existing is not None:
            # An exam with attempts keeps its structure: their plannings and scores point at it.
            refuse_when_in_use(uow, existing, "de structuur vervangen")
            existing.clear_structure()
            uow.flush()  # old parts go first: part numbers and codes are unique per exam
            existing.apply_definition(definition, module_id)
            exam = existing
        else:
            exam = build_exam(definition, programme_id, module_id)
            exam.position = len(uow.exams.list_for_programme(programme_id))
            uow.exams.add(exam)
        uow.flush()
        result = ImportResult(
            exam_id=saved_id(exam.id),
            code=exam.code,
            created=existing is None,
            part_count=len(exam.parts),
            criterion_count=len(exam.criteria()),
        )
        uow.commit()
        return result


def _module_by_name(uow: UnitOfWork, programme_id: int, name: str | None) -> int | None:
    name = (name or "").strip()
    if not name:
        return None
    modules = list(uow.modules.list_for_programme(programme_id))
    for module in modules:
        if module.name.casefold() == name.casefold():
            return module.id
    module = Module(programme_id=programme_id, name=name, position=len(modules))
    uow.modules.add(module)
    uow.flush()
    return module.id


def export_exam_definition(uow: UnitOfWork, actor: Actor, exam_id: int) -> ExamDefinition:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = find_exam(uow, exam_id)
        module = uow.modules.get(exam.module_id) if exam.module_id else None
        return exam.to_definition(module.name if module else None)


