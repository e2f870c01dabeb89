"""Programmes (opleidingen) and their modules."""

from __future__ import annotations

import attrs

from mijnportfolio.domain.catalogue import (
    DuplicateCrebo,
    Module,
    ModuleInUse,
    Programme,
    ProgrammeInUse,
)
from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DomainError,
    DuplicateName,
    check,
    raise_collected,
)
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.values import required_text, validate_crebo, validate_level

from ..ports.catalogue import CatalogueQueries, ProgrammePage
from ..ports.unit_of_work import UnitOfWork, saved_id
from .lookup import find_module, find_programme

PROGRAMME_SORTS = ("name", "crebo", "level", "exams", "students")


def list_programmes(
    queries: CatalogueQueries, actor: Actor, *, search: str = "", sort: str = "name", page: int = 1, per_page: int = 50
) -> ProgrammePage:
    require(actor, Permission.EDIT_CATALOGUE)
    if sort.lstrip("-") not in PROGRAMME_SORTS:
        sort = "name"
    return queries.programme_page(search=(search or "").strip()[:100], sort=sort, page=max(1, page), per_page=per_page)


@attrs.frozen
class ModuleView:
    id: int
    name: str
    exam_count: int


@attrs.frozen
class ExamSummary:
    id: int
    code: str
    name: str
    module_name: str | None
    part_count: int
    criterion_count: int


@attrs.frozen
class ProgrammeDetail:
    id: int
    name: str
    crebo: str
    level: int
    version: int
    student_count: int
    modules: tuple[ModuleView, ...]
    exams: tuple[ExamSummary, ...]


def programme_detail(uow: UnitOfWork, actor: Actor, programme_id: int) -> ProgrammeDetail:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        programme = find_programme(uow, programme_id)
        modules = list(uow.modules.list_for_programme(programme_id))
        exams = list(uow.exams.list_for_programme(programme_id))
        names = {m.id: m.name for m in modules}
        return ProgrammeDetail(
            id=saved_id(programme.id),
            name=programme.name,
            crebo=programme.crebo,
            level=programme.level,
            version=programme.version,
            student_count=uow.programmes.student_count(programme_id),
            modules=tuple(
                ModuleView(id=saved_id(m.id), name=m.name, exam_count=sum(1 for e in exams if e.module_id == m.id))
                for m in modules
            ),
            exams=tuple(
                ExamSummary(
                    id=saved_id(e.id),
                    code=e.code,
                    name=e.name,
                    module_name=names.get(e.module_id),
                    part_count=len(e.parts),
                    criterion_count=sum(len(p.criteria) for p in e.parts),
                )
                for e in exams
            ),
        )


def programme_choices(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """(id, "name (crebo)") of every programme, for selects."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return [(saved_id(p.id), f"{p.name} ({p.crebo})") for p in uow.programmes.list()]


# --- programmes ------------------------------------------------------------------------------


@attrs.frozen
class ProgrammeData:
    name: str
    crebo: str
    level: int | str | None


def _validated_programme(uow: UnitOfWork, data: ProgrammeData, own_id: int | None) -> tuple[str, str, int]:
    """Every field's problem at once (by field), so that one save shows all that is wrong."""
    errors: list[DomainError] = []
    name = check(errors, lambda: required_text(data.name, "Naam", field="name"))
    crebo = check(errors, lambda: validate_crebo(data.crebo))
    level = check(errors, lambda: validate_level(data.level))
    if crebo is not None:
        other = uow.programmes.get_by_crebo(crebo)
        if other is not None and other.id != own_id:
            errors.append(DuplicateCrebo(f"Er bestaat al een opleiding met crebocode {crebo}.", field="crebo"))
    raise_collected(errors)
    return name or "", crebo or "", level or 0


def create_programme(uow: UnitOfWork, actor: Actor, data: ProgrammeData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        name, crebo, level = _validated_programme(uow, data, None)
        programme = Programme(name=name, crebo=crebo, level=level)
        uow.programmes.add(programme)
        uow.commit()
        return saved_id(programme.id)


def update_programme(
    uow: UnitOfWork, actor: Actor, programme_id: int, data: ProgrammeData, *, expected_version: int | None = None
) -> None:
    """Change a programme. With ``expected_version`` (what the form was loaded with) an edit
    saved by someone else in the meantime is refused instead of overwritten."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        programme = find_programme(uow, programme_id)
        if expected_version is not None and programme.version != expected_version:
            raise ConcurrentModification()
        name, crebo, level = _validated_programme(uow, data, programme.id)
        programme.name, programme.crebo, programme.level = name, crebo, level
        uow.commit()


def delete_programme(uow: UnitOfWork, actor: Actor, programme_id: int) -> str:
    """Delete a programme (and its empty modules); refused while students or exams use it."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        programme = find_programme(uow, programme_id)
        students = uow.programmes.student_count(programme_id)
        exams = len(uow.exams.list_for_programme(programme_id))
        if students or exams:
            reasons = []
            if students:
                reasons.append(f"{students} student{'' if students == 1 else 'en'}")
            if exams:
                reasons.append(f"{exams} examen{'' if exams == 1 else 's'}")
            verb = "is" if len(reasons) == 1 and students + exams == 1 else "zijn"
            raise ProgrammeInUse(
                f"Opleiding {programme.name} kan niet worden verwijderd: er {verb} nog "
                f"{' en '.join(reasons)} aan gekoppeld. Verwijder of verplaats die eerst."
            )
        for module in uow.modules.list_for_programme(programme_id):
            uow.modules.delete(module)
        uow.flush()
        uow.programmes.delete(programme)
        uow.commit()
        return programme.name


# --- modules ---------------------------------------------------------------------------------


@attrs.frozen
class ModuleData:
    name: str


def _check_module_name(uow: UnitOfWork, programme_id: int, name: str, own_id: int | None) -> None:
    for module in uow.modules.list_for_programme(programme_id):
        if module.id != own_id and module.name.casefold() == name.casefold():
            raise DuplicateName(f"Deze opleiding heeft al een module '{module.name}'.", field="name")


def create_module(uow: UnitOfWork, actor: Actor, programme_id: int, data: ModuleData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        find_programme(uow, programme_id)
        _check_module_name(uow, programme_id, name, None)
        module = Module(programme_id=programme_id, name=name, position=len(uow.modules.list_for_programme(programme_id)))
        uow.modules.add(module)
        uow.commit()
        return saved_id(module.id)


def get_module(uow: UnitOfWork, actor: Actor, module_id: int) -> ModuleView:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        module = find_module(uow, module_id)
        count = sum(1 for e in uow.exams.list_for_programme(module.programme_id) if e.module_id == module.id)
        return ModuleView(id=saved_id(module.id), name=module.name, exam_count=count)


def update_module(uow: UnitOfWork, actor: Actor, module_id: int, data: ModuleData) -> int:
    """Rename a module; returns its programme id."""
    require(actor, Permission.EDIT_CATALOGUE)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        module = find_module(uow, module_id)
        _check_module_name(uow, module.programme_id, name, module.id)
        module.name = name
        uow.commit()
        return module.programme_id


def delete_module(uow: UnitOfWork, actor: Actor, module_id: int) -> int:
    """Delete a module without exams; returns its programme id."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        module = find_module(uow, module_id)
        exams = [e.code for e in uow.exams.list_for_programme(module.programme_id) if e.module_id == module.id]
        if exams:
            raise ModuleInUse(
                f"Module {module.name} heeft nog examens ({', '.join(exams)}). "
                "Kies bij die examens eerst een andere module of verwijder ze."
            )
        programme_id = module.programme_id
        uow.modules.delete(module)
        uow.commit()
        return programme_id


def module_choices(uow: UnitOfWork, actor: Actor, programme_id: int) -> list[tuple[int, str]]:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return [(saved_id(m.id), m.name) for m in uow.modules.list_for_programme(programme_id)]


def programme_name(uow: UnitOfWork, actor: Actor, programme_id: int) -> str:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return find_programme(uow, programme_id).name
