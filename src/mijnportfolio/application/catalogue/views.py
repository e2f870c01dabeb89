"""The exam as plain data for the exam page and the structure editor's forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

import attrs

from mijnportfolio.domain.catalogue import (
    Exam,
    Module,
    Programme,
    WorkProcess,
)
from mijnportfolio.domain.permissions import Actor, Permission, require

from ..ports.unit_of_work import UnitOfWork, saved_id
from .lookup import find_exam, find_programme


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
    work_process_minimum: Decimal | None
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
        exam = find_exam(uow, exam_id)
        programme = find_programme(uow, exam.programme_id)
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
                id=saved_id(c.id),
                part_id=saved_id(part.id),
                text=c.text,
                knock_out=bool(c.knock_out),
                descriptors=c.descriptors.by_number(),
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
        parts.append(PartView(id=saved_id(part.id), number=part.number, title=part.title or "", groups=tuple(groups), criterion_count=len(ordered)))
    core_tasks = []
    for ct in sorted(exam.core_tasks, key=lambda c: c.position):
        processes = tuple(
            WorkProcessView(
                id=saved_id(w.id),
                code=w.code,
                title=w.title or "",
                core_task_id=saved_id(ct.id),
                criterion_count=sum(1 for c in all_criteria if c.work_process is w),
            )
            for w in sorted(exam.work_processes, key=lambda w: w.position)
            if w.core_task is ct
        )
        mine = [c for c in all_criteria if c.work_process is not None and c.work_process.core_task is ct]
        core_tasks.append(
            CoreTaskView(
                id=saved_id(ct.id),
                code=ct.code,
                title=ct.title or "",
                work_processes=processes,
                criterion_count=len(mine),
                knock_out_count=sum(1 for c in mine if c.knock_out),
            )
        )
    return ExamView(
        id=saved_id(exam.id),
        programme_id=exam.programme_id,
        programme_name=programme.name,
        code=exam.code,
        name=exam.name,
        module_id=exam.module_id,
        module_name=module.name if module else None,
        planning_instruction=exam.planning_instruction,
        location=exam.location,
        max_attempts=exam.max_attempts,
        pass_mark=exam.pass_mark.value,
        justification_scores=exam.justification_rule.values,
        work_process_minimum=exam.work_process_minimum.value if exam.work_process_minimum else None,
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


