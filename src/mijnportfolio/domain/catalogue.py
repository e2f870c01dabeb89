"""Programmes, modules and exams with their structure (product.md 3.1, 3.4)."""

from __future__ import annotations

from decimal import Decimal

import attrs

DEFAULT_PASS_MARK = Decimal("5.5")
DEFAULT_JUSTIFICATION_SCORES: frozenset[int] = frozenset({1, 2, 5})
SCORES = (1, 2, 3, 4, 5)


@attrs.define(slots=False, eq=False)
class Programme:
    """An MBO programme (opleiding/kwalificatie): name, crebo code of 5 digits, level 1-4."""

    name: str
    crebo: str
    level: int
    id: int | None = None
    version: int = 1


@attrs.define(slots=False, eq=False)
class Module:
    """A named unit of a programme that groups exams (e.g. a keuzedeel)."""

    programme_id: int
    name: str
    position: int = 0
    id: int | None = None


@attrs.define(slots=False, eq=False)
class CoreTask:
    """Kerntaak, e.g. B1-K1. A grade is computed per core task."""

    code: str
    title: str = ""
    position: int = 0
    id: int | None = None
    exam_id: int | None = None


@attrs.define(slots=False, eq=False)
class WorkProcess:
    """Werkproces, e.g. B1-K1-W1; groups criteria and belongs to one core task."""

    code: str
    title: str = ""
    core_task: CoreTask | None = None
    position: int = 0
    id: int | None = None
    exam_id: int | None = None


@attrs.define(slots=False, eq=False)
class Criterion:
    """One line of the assessment form, scored 1-5, in one part and under one work process.

    ``descriptors`` maps a score (1-5) to the text that describes that level.
    """

    text: str
    work_process: WorkProcess | None = None
    knock_out: bool = False
    descriptors: dict[str, str] = attrs.field(factory=dict)
    position: int = 0
    id: int | None = None
    part_id: int | None = None


@attrs.define(slots=False, eq=False)
class ExamPart:
    """Numbered part of an exam, planned and assessed on its own."""

    number: int
    title: str = ""
    criteria: list[Criterion] = attrs.field(factory=list)
    id: int | None = None
    exam_id: int | None = None


@attrs.define(slots=False, eq=False)
class Exam:
    """An exam (proeve) of a programme, through one of its modules.

    The scoring rule is data: pass mark, the scores that need a justification, knock-out flags
    on criteria. ``max_attempts`` of None means unlimited.
    """

    programme_id: int
    code: str
    name: str
    module_id: int | None = None
    planning_instruction: str | None = None
    location: str | None = None
    max_attempts: int | None = None
    pass_mark: Decimal = DEFAULT_PASS_MARK
    justification_scores: str = "1,2,5"
    parts: list[ExamPart] = attrs.field(factory=list)
    core_tasks: list[CoreTask] = attrs.field(factory=list)
    work_processes: list[WorkProcess] = attrs.field(factory=list)
    position: int = 0
    id: int | None = None
    version: int = 1

    @property
    def justification_score_set(self) -> frozenset[int]:
        return frozenset(int(s) for s in self.justification_scores.split(",") if s.strip())

    def criteria(self) -> list[Criterion]:
        return [c for part in sorted(self.parts, key=lambda p: p.number) for c in part.criteria]
