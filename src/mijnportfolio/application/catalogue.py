"""The catalogue (admin only): programmes, their modules and exams with their structure.

An exam's structure can be edited piece by piece or replaced at once from an exam definition
(the upload file; parsing it is an adapter's job, this module gets the checked structure).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Protocol

import attrs

from mijnportfolio.domain.catalogue import (
    Criterion,
    CoreTask,
    DuplicateCrebo,
    DuplicateExamCode,
    Exam,
    ExamDefinition,
    ExamPart,
    Module,
    ModuleInUse,
    Programme,
    ProgrammeInUse,
    WorkProcess,
    check_definition,
    normalise_descriptors,
    validate_code,
    validate_justification_scores,
    validate_max_attempts,
    validate_pass_mark,
)
from mijnportfolio.domain.errors import DuplicateName, InvalidValue, NotFound
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.values import optional_text, required_text, validate_crebo, validate_level

from .ports import UnitOfWork

# --- read models for the screens ------------------------------------------------------------


@attrs.frozen
class ProgrammeRow:
    id: int
    name: str
    crebo: str
    level: int
    module_count: int
    exam_count: int
    student_count: int


@attrs.frozen
class ProgrammePage:
    rows: tuple[ProgrammeRow, ...]
    total: int
    page: int
    pages: int


PROGRAMME_SORTS = ("name", "crebo", "level", "exams", "students")


class CatalogueQueries(Protocol):
    """Lists for the catalogue screens, in a fixed number of SQL statements whatever the size."""

    def programme_page(self, *, search: str, sort: str, page: int, per_page: int) -> ProgrammePage: ...


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
        programme = _programme(uow, programme_id)
        modules = list(uow.modules.list_for_programme(programme_id))
        exams = list(uow.exams.list_for_programme(programme_id))
        names = {m.id: m.name for m in modules}
        return ProgrammeDetail(
            id=programme.id,
            name=programme.name,
            crebo=programme.crebo,
            level=programme.level,
            version=programme.version,
            student_count=uow.programmes.student_count(programme_id),
            modules=tuple(
                ModuleView(id=m.id, name=m.name, exam_count=sum(1 for e in exams if e.module_id == m.id)) for m in modules
            ),
            exams=tuple(
                ExamSummary(
                    id=e.id,
                    code=e.code,
                    name=e.name,
                    module_name=names.get(e.module_id),
                    part_count=len(e.parts),
                    criterion_count=sum(len(p.criteria) for p in e.parts),
                )
                for e in exams
            ),
        )


@attrs.frozen
class CriterionView:
    id: int
    part_id: int
    text: str
    knock_out: bool
    descriptors: Mapping[int, str]
    work_process_id: int | None
    work_process_code: str
    core_task_code: str
    first: bool
    last: bool


@attrs.frozen
class CriterionGroup:
    """Consecutive criteria of a part under the same work process (and so core task)."""

    core_task_code: str
    core_task_title: str
    work_process_code: str
    work_process_title: str
    criteria: tuple[CriterionView, ...]


@attrs.frozen
class PartView:
    id: int
    number: int
    title: str
    groups: tuple[CriterionGroup, ...]
    criterion_count: int


@attrs.frozen
class WorkProcessView:
    id: int
    code: str
    title: str
    core_task_id: int
    criterion_count: int


@attrs.frozen
class CoreTaskView:
    id: int
    code: str
    title: str
    work_processes: tuple[WorkProcessView, ...]
    criterion_count: int
    knock_out_count: int


@attrs.frozen
class ExamView:
    id: int
    programme_id: int
    programme_name: str
    code: str
    name: str
    module_id: int | None
    module_name: str | None
    planning_instruction: str | None
    location: str | None
    max_attempts: int | None
    pass_mark: Decimal
    justification_scores: tuple[int, ...]
    parts: tuple[PartView, ...]
    core_tasks: tuple[CoreTaskView, ...]
    criterion_count: int
    version: int

    def criterion(self, criterion_id: int) -> CriterionView | None:
        return next((c for p in self.parts for g in p.groups for c in g.criteria if c.id == criterion_id), None)

    def part(self, part_id: int) -> PartView | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def core_task(self, core_task_id: int) -> CoreTaskView | None:
        return next((c for c in self.core_tasks if c.id == core_task_id), None)

    def work_process(self, work_process_id: int) -> WorkProcessView | None:
        return next((w for c in self.core_tasks for w in c.work_processes if w.id == work_process_id), None)


def exam_detail(uow: UnitOfWork, actor: Actor, exam_id: int) -> ExamView:
    """The whole exam as plain data for the exam page and the editor's forms."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        programme = _programme(uow, exam.programme_id)
        module = uow.modules.get(exam.module_id) if exam.module_id else None
        return _exam_view(exam, programme, module)


def _exam_view(exam: Exam, programme: Programme, module: Module | None) -> ExamView:
    all_criteria = exam.criteria()
    parts = []
    for part in sorted(exam.parts, key=lambda p: p.number):
        ordered = sorted(part.criteria, key=lambda c: c.position)
        groups: list[CriterionGroup] = []
        run: list[CriterionView] = []
        current: WorkProcess | None = None
        for index, c in enumerate(ordered):
            wp = c.work_process
            view = CriterionView(
                id=c.id,
                part_id=part.id,
                text=c.text,
                knock_out=bool(c.knock_out),
                descriptors={int(k): v for k, v in sorted((c.descriptors or {}).items())},
                work_process_id=wp.id if wp else None,
                work_process_code=wp.code if wp else "",
                core_task_code=wp.core_task.code if wp and wp.core_task else "",
                first=index == 0,
                last=index == len(ordered) - 1,
            )
            if run and wp is not current:
                groups.append(_group(current, run))
                run = []
            current = wp
            run.append(view)
        if run:
            groups.append(_group(current, run))
        parts.append(PartView(id=part.id, number=part.number, title=part.title or "", groups=tuple(groups), criterion_count=len(ordered)))
    core_tasks = []
    for ct in sorted(exam.core_tasks, key=lambda c: c.position):
        processes = tuple(
            WorkProcessView(
                id=w.id,
                code=w.code,
                title=w.title or "",
                core_task_id=ct.id,
                criterion_count=sum(1 for c in all_criteria if c.work_process is w),
            )
            for w in sorted(exam.work_processes, key=lambda w: w.position)
            if w.core_task is ct
        )
        mine = [c for c in all_criteria if c.work_process is not None and c.work_process.core_task is ct]
        core_tasks.append(
            CoreTaskView(
                id=ct.id,
                code=ct.code,
                title=ct.title or "",
                work_processes=processes,
                criterion_count=len(mine),
                knock_out_count=sum(1 for c in mine if c.knock_out),
            )
        )
    return ExamView(
        id=exam.id,
        programme_id=exam.programme_id,
        programme_name=programme.name,
        code=exam.code,
        name=exam.name,
        module_id=exam.module_id,
        module_name=module.name if module else None,
        planning_instruction=exam.planning_instruction,
        location=exam.location,
        max_attempts=exam.max_attempts,
        pass_mark=Decimal(exam.pass_mark).quantize(Decimal("0.1")),
        justification_scores=tuple(sorted(exam.justification_score_set)),
        parts=tuple(parts),
        core_tasks=tuple(core_tasks),
        criterion_count=len(all_criteria),
        version=exam.version,
    )


def _group(wp: WorkProcess | None, run: list[CriterionView]) -> CriterionGroup:
    ct = wp.core_task if wp else None
    return CriterionGroup(
        core_task_code=ct.code if ct else "",
        core_task_title=(ct.title or "") if ct else "",
        work_process_code=wp.code if wp else "",
        work_process_title=(wp.title or "") if wp else "",
        criteria=tuple(run),
    )


def programme_choices(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """(id, "name (crebo)") of every programme, for selects."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return [(p.id, f"{p.name} ({p.crebo})") for p in uow.programmes.list()]


# --- programmes ------------------------------------------------------------------------------


@attrs.frozen
class ProgrammeData:
    name: str
    crebo: str
    level: int | str | None


def _validated_programme(data: ProgrammeData) -> tuple[str, str, int]:
    name = required_text(data.name, "Naam", field="name")
    crebo = validate_crebo(data.crebo)
    level = validate_level(data.level)
    return name, crebo, level


def create_programme(uow: UnitOfWork, actor: Actor, data: ProgrammeData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    name, crebo, level = _validated_programme(data)
    with uow:
        if uow.programmes.get_by_crebo(crebo) is not None:
            raise DuplicateCrebo(f"Er bestaat al een opleiding met crebocode {crebo}.", field="crebo")
        programme = Programme(name=name, crebo=crebo, level=level)
        uow.programmes.add(programme)
        uow.commit()
        return programme.id


def update_programme(uow: UnitOfWork, actor: Actor, programme_id: int, data: ProgrammeData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    name, crebo, level = _validated_programme(data)
    with uow:
        programme = _programme(uow, programme_id)
        other = uow.programmes.get_by_crebo(crebo)
        if other is not None and other.id != programme.id:
            raise DuplicateCrebo(f"Er bestaat al een opleiding met crebocode {crebo}.", field="crebo")
        programme.name, programme.crebo, programme.level = name, crebo, level
        uow.commit()


def delete_programme(uow: UnitOfWork, actor: Actor, programme_id: int) -> str:
    """Delete a programme (and its empty modules); refused while students or exams use it."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        programme = _programme(uow, programme_id)
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
        _programme(uow, programme_id)
        _check_module_name(uow, programme_id, name, None)
        module = Module(programme_id=programme_id, name=name, position=len(uow.modules.list_for_programme(programme_id)))
        uow.modules.add(module)
        uow.commit()
        return module.id


def get_module(uow: UnitOfWork, actor: Actor, module_id: int) -> ModuleView:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        module = _module(uow, module_id)
        count = sum(1 for e in uow.exams.list_for_programme(module.programme_id) if e.module_id == module.id)
        return ModuleView(id=module.id, name=module.name, exam_count=count)


def update_module(uow: UnitOfWork, actor: Actor, module_id: int, data: ModuleData) -> int:
    """Rename a module; returns its programme id."""
    require(actor, Permission.EDIT_CATALOGUE)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        module = _module(uow, module_id)
        _check_module_name(uow, module.programme_id, name, module.id)
        module.name = name
        uow.commit()
        return module.programme_id


def delete_module(uow: UnitOfWork, actor: Actor, module_id: int) -> int:
    """Delete a module without exams; returns its programme id."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        module = _module(uow, module_id)
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


def _validated_exam(uow: UnitOfWork, programme_id: int, data: ExamData, own_id: int | None) -> dict:
    values = dict(
        code=validate_code(data.code, "De examencode"),
        name=required_text(data.name, "Naam", field="name"),
        planning_instruction=optional_text(
            data.planning_instruction, max_length=5000, label="Planningsinstructie", field="planning_instruction"
        ),
        location=optional_text(data.location, max_length=2000, label="Locatie", field="location"),
        max_attempts=validate_max_attempts(data.max_attempts),
        pass_mark=validate_pass_mark(data.pass_mark),
        justification_scores=validate_justification_scores(data.justification_scores),
        module_id=None,
    )
    if data.module_id:
        module = uow.modules.get(int(data.module_id))
        if module is None or module.programme_id != programme_id:
            raise InvalidValue("Kies een module van deze opleiding.", field="module_id")
        values["module_id"] = module.id
    _check_exam_code(uow, programme_id, values["code"], own_id)
    return values


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
        _programme(uow, programme_id)
        values = _validated_exam(uow, programme_id, data, None)
        exam = Exam(programme_id=programme_id, **values)
        exam.position = len(uow.exams.list_for_programme(programme_id))
        uow.exams.add(exam)
        uow.commit()
        return exam.id


def update_exam(uow: UnitOfWork, actor: Actor, exam_id: int, data: ExamData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        for key, value in _validated_exam(uow, exam.programme_id, data, exam.id).items():
            setattr(exam, key, value)
        uow.commit()


def delete_exam(uow: UnitOfWork, actor: Actor, exam_id: int) -> int:
    """Delete an exam with its structure; returns its programme id.

    No attempts exist yet in this release; when planning arrives, an exam with attempts must be
    refused here, because results must be kept."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
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
        _programme(uow, programme_id)
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
            # Allowed while no attempts exist (this release). Once planning lands, an exam with
            # attempts must keep its structure: their scores point at these criteria.
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
            exam_id=exam.id,
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
        exam = _exam(uow, exam_id)
        module = uow.modules.get(exam.module_id) if exam.module_id else None
        return exam.to_definition(module.name if module else None)


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
        exam = _exam(uow, exam_id)
        part = exam.add_part(title or f"Onderdeel {len(exam.parts) + 1}")
        uow.flush()
        uow.commit()
        return part.id


def update_part(uow: UnitOfWork, actor: Actor, exam_id: int, part_id: int, data: PartData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    title = optional_text(data.title, max_length=200, label="Titel", field="title") or ""
    with uow:
        exam = _exam(uow, exam_id)
        part = _in(exam.part(part_id), "Dit onderdeel bestaat niet.")
        part.title = title or f"Onderdeel {part.number}"
        uow.commit()


def delete_part(uow: UnitOfWork, actor: Actor, exam_id: int, part_id: int) -> None:
    """Delete a part and its criteria; later parts move up a number so that there is no gap."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        part = _in(exam.part(part_id), "Dit onderdeel bestaat niet.")
        exam.remove_part(part)
        uow.flush()  # the delete goes first: part numbers are unique per exam
        exam.renumber_parts()
        uow.commit()


def add_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, data: CoreTaskData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code")
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = _exam(uow, exam_id)
        core_task = exam.add_core_task(code, title)
        uow.flush()
        uow.commit()
        return core_task.id


def update_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, core_task_id: int, data: CoreTaskData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code")
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = _exam(uow, exam_id)
        exam.rename_core_task(_in(exam.core_task(core_task_id), "Deze kerntaak bestaat niet."), code, title)
        uow.commit()


def delete_core_task(uow: UnitOfWork, actor: Actor, exam_id: int, core_task_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        exam.remove_core_task(_in(exam.core_task(core_task_id), "Deze kerntaak bestaat niet."))
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
        exam = _exam(uow, exam_id)
        work_process = exam.add_work_process(_chosen_core_task(exam, data.core_task_id), code, title)
        uow.flush()
        uow.commit()
        return work_process.id


def update_work_process(
    uow: UnitOfWork, actor: Actor, exam_id: int, work_process_id: int, data: WorkProcessData
) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    code = validate_code(data.code, "De code", max_length=40)
    title = optional_text(data.title, max_length=300, label="Titel", field="title") or ""
    with uow:
        exam = _exam(uow, exam_id)
        work_process = _in(exam.work_process(work_process_id), "Dit werkproces bestaat niet.")
        exam.change_work_process(work_process, _chosen_core_task(exam, data.core_task_id), code, title)
        uow.commit()


def delete_work_process(uow: UnitOfWork, actor: Actor, exam_id: int, work_process_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        exam.remove_work_process(_in(exam.work_process(work_process_id), "Dit werkproces bestaat niet."))
        uow.commit()


def _validated_criterion(exam: Exam, data: CriterionData) -> tuple[ExamPart, WorkProcess, str, dict[str, str]]:
    part = exam.part(int(data.part_id)) if data.part_id else None
    if part is None:
        raise InvalidValue("Kies een onderdeel van dit examen.", field="part_id")
    work_process = exam.work_process(int(data.work_process_id)) if data.work_process_id else None
    if work_process is None:
        raise InvalidValue("Kies een werkproces van dit examen.", field="work_process_id")
    text = required_text(data.text, "De tekst van het criterium", field="text", max_length=2000)
    descriptors = normalise_descriptors(dict(data.descriptors))
    return part, work_process, text, descriptors


def add_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, data: CriterionData) -> int:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        part, work_process, text, descriptors = _validated_criterion(exam, data)
        criterion = Criterion(text=text, work_process=work_process, knock_out=bool(data.knock_out), descriptors=descriptors)
        exam.add_criterion(part, criterion)
        uow.flush()
        uow.commit()
        return criterion.id


def update_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int, data: CriterionData) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        criterion = _in(exam.criterion(criterion_id), "Dit criterium bestaat niet.")
        part, work_process, text, descriptors = _validated_criterion(exam, data)
        exam.move_criterion_to_part(criterion, part)
        criterion.text = text
        criterion.work_process = work_process
        criterion.knock_out = bool(data.knock_out)
        criterion.descriptors = descriptors
        uow.commit()


def delete_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int) -> None:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        exam.remove_criterion(_in(exam.criterion(criterion_id), "Dit criterium bestaat niet."))
        uow.commit()


def move_criterion(uow: UnitOfWork, actor: Actor, exam_id: int, criterion_id: int, step: int) -> None:
    """Move a criterion one place up (step -1) or down (+1) within its part."""
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        exam = _exam(uow, exam_id)
        exam.move_criterion(_in(exam.criterion(criterion_id), "Dit criterium bestaat niet."), -1 if step < 0 else 1)
        uow.commit()


# --- helpers -----------------------------------------------------------------------------------


def _programme(uow: UnitOfWork, programme_id: int) -> Programme:
    programme = uow.programmes.get(programme_id)
    if programme is None:
        raise NotFound("Deze opleiding bestaat niet.")
    return programme


def _module(uow: UnitOfWork, module_id: int) -> Module:
    module = uow.modules.get(module_id)
    if module is None:
        raise NotFound("Deze module bestaat niet.")
    return module


def _exam(uow: UnitOfWork, exam_id: int) -> Exam:
    exam = uow.exams.get(exam_id)
    if exam is None:
        raise NotFound("Dit examen bestaat niet.")
    return exam


def _in(item, message: str):
    if item is None:
        raise NotFound(message)
    return item


def module_choices(uow: UnitOfWork, actor: Actor, programme_id: int) -> list[tuple[int, str]]:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return [(m.id, m.name) for m in uow.modules.list_for_programme(programme_id)]


def programme_name(uow: UnitOfWork, actor: Actor, programme_id: int) -> str:
    require(actor, Permission.EDIT_CATALOGUE)
    with uow:
        return _programme(uow, programme_id).name
