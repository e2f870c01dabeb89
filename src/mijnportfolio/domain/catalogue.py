"""Programmes, modules and exams with their structure (product.md 3.1, 3.4)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterable, Mapping

import attrs

from .errors import DomainError, InvalidValue, ValidationErrors
from .scores import (
    DEFAULT_JUSTIFICATION_RULE,
    DEFAULT_PASS_MARK,
    Descriptors,
    JustificationRule,
    PassMark,
    descriptor_score,
)

# Sizes a real exam never reaches; they keep a bad upload from swamping the database.
MAX_PARTS = 50
MAX_CORE_TASKS = 100
MAX_WORK_PROCESSES = 500
MAX_CRITERIA = 1000
MAX_ATTEMPTS_LIMIT = 99
MAX_TEXT = 2000
MAX_LONG_TEXT = 5000

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


class DuplicateCrebo(DomainError):
    """A crebo code identifies one programme."""

    default_message = "Er bestaat al een opleiding met deze crebocode."


class DuplicateExamCode(DomainError):
    """An exam code (e.g. "LM") is unique within its programme."""

    default_message = "Deze opleiding heeft al een examen met deze code."


class DuplicateStructureCode(DomainError):
    """Core task and work process codes are unique within their exam."""

    default_message = "Deze code bestaat al in dit examen."


class ProgrammeInUse(DomainError):
    """A programme that students follow or that has exams or modules is not deleted."""

    default_message = "Deze opleiding is nog in gebruik en kan niet worden verwijderd."


class ModuleInUse(DomainError):
    """A module that still groups exams is not deleted (the exams would lose their module)."""

    default_message = "Deze module heeft nog examens en kan niet worden verwijderd."


class ExamInUse(DomainError):
    """An exam that students have attempts at keeps its structure and is not deleted: their
    plannings and scores point at its parts and criteria."""

    default_message = "Dit examen is al in gebruik voor examens van studenten en kan niet worden gewijzigd of verwijderd."


class StructureInUse(DomainError):
    """A core task with work processes, or a work process with criteria, is not deleted."""

    default_message = "Dit onderdeel van de examenstructuur is nog in gebruik."


class StructureLimitReached(DomainError):
    """An exam has at most MAX_PARTS parts and MAX_CRITERIA criteria; real exams never come close."""

    default_message = "Dit examen heeft het grootst mogelijke aantal onderdelen of criteria bereikt."


class InvalidExamDefinition(ValidationErrors):
    """An uploaded or built exam definition breaks one or more rules; nothing was stored."""

    default_message = "Het examenbestand bevat fouten. Er is niets opgeslagen."


# --- single values -------------------------------------------------------------------------


def validate_code(value: str | None, label: str = "De code", *, field: str = "code", max_length: int = 30) -> str:
    """Codes such as "LM", "B1-K1" or "B1-K1-W1": letters, digits, '-', '.', '_', '/'; no spaces."""
    code = (value or "").strip()
    if not code:
        raise InvalidValue(f"{label} is verplicht.", field=field)
    if len(code) > max_length:
        raise InvalidValue(f"{label} mag hoogstens {max_length} tekens lang zijn.", field=field)
    if not _CODE.match(code):
        raise InvalidValue(
            f"{label} '{code}' mag alleen letters, cijfers en de tekens - . _ / bevatten (geen spaties).",
            field=field,
        )
    return code


def validate_pass_mark(value: object) -> Decimal:
    """The cesuur of a form or file as a number (see ``PassMark``)."""
    return PassMark.parse(value).value


def validate_justification_scores(values: Iterable[object]) -> JustificationRule:
    """The scores (1-5) that need a justification, from a form or file (see ``JustificationRule``)."""
    return JustificationRule.parse(values)


def validate_max_attempts(value: object) -> int | None:
    """None (or empty) means unlimited; otherwise 1 to 99."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidValue("Het maximaal aantal pogingen moet een geheel getal zijn.", field="max_attempts")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidValue("Het maximaal aantal pogingen moet een geheel getal zijn.", field="max_attempts") from None
    if not 1 <= number <= MAX_ATTEMPTS_LIMIT:
        raise InvalidValue(
            f"Het maximaal aantal pogingen moet tussen 1 en {MAX_ATTEMPTS_LIMIT} liggen (leeg = onbeperkt).",
            field="max_attempts",
        )
    return number


def normalise_descriptors(values: Mapping[Any, object]) -> Descriptors:
    """Descriptor texts by score (1-5); empty texts are left out."""
    return Descriptors.parse(values)


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

    ``descriptors`` gives the text that describes each level (1-5).
    """

    text: str
    work_process: WorkProcess | None = None
    knock_out: bool = False
    descriptors: Descriptors = Descriptors()
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
    pass_mark: PassMark = DEFAULT_PASS_MARK
    justification_rule: JustificationRule = DEFAULT_JUSTIFICATION_RULE
    work_process_minimum: PassMark | None = None
    parts: list[ExamPart] = attrs.field(factory=list)
    core_tasks: list[CoreTask] = attrs.field(factory=list)
    work_processes: list[WorkProcess] = attrs.field(factory=list)
    position: int = 0
    id: int | None = None
    version: int = 1

    @property
    def justification_score_set(self) -> frozenset[int]:
        return frozenset(self.justification_rule.values)

    def criteria(self) -> list[Criterion]:
        return [c for part in sorted(self.parts, key=lambda p: p.number) for c in part.criteria]

    # --- structure editing (the editor's rules; an upload replaces the whole structure) -----

    def part(self, part_id: int) -> ExamPart | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def core_task(self, core_task_id: int) -> CoreTask | None:
        return next((c for c in self.core_tasks if c.id == core_task_id), None)

    def work_process(self, work_process_id: int) -> WorkProcess | None:
        return next((w for w in self.work_processes if w.id == work_process_id), None)

    def criterion(self, criterion_id: int) -> Criterion | None:
        return next((c for p in self.parts for c in p.criteria if c.id == criterion_id), None)

    def add_part(self, title: str) -> ExamPart:
        """A new part gets the next number: parts are always numbered 1..n."""
        if len(self.parts) >= MAX_PARTS:
            raise StructureLimitReached(f"Een examen heeft hoogstens {MAX_PARTS} onderdelen.")
        part = ExamPart(number=len(self.parts) + 1, title=title)
        self.parts.append(part)
        return part

    def remove_part(self, part: ExamPart) -> None:
        """Remove a part with its criteria; the later parts move up one number (no gaps)."""
        self.parts.remove(part)

    def renumber_parts(self) -> None:
        for number, part in enumerate(sorted(self.parts, key=lambda p: p.number), start=1):
            part.number = number

    def add_core_task(self, code: str, title: str) -> CoreTask:
        self._check_new_code(code, None)
        core_task = CoreTask(code=code, title=title, position=len(self.core_tasks))
        self.core_tasks.append(core_task)
        return core_task

    def rename_core_task(self, core_task: CoreTask, code: str, title: str) -> None:
        self._check_new_code(code, core_task)
        core_task.code = code
        core_task.title = title

    def remove_core_task(self, core_task: CoreTask) -> None:
        if any(w.core_task is core_task for w in self.work_processes):
            raise StructureInUse(
                f"Kerntaak {core_task.code} heeft nog werkprocessen. Verwijder of verplaats die eerst."
            )
        self.core_tasks.remove(core_task)

    def add_work_process(self, core_task: CoreTask, code: str, title: str) -> WorkProcess:
        self._check_new_code(code, None)
        work_process = WorkProcess(code=code, title=title, core_task=core_task, position=len(self.work_processes))
        self.work_processes.append(work_process)
        return work_process

    def change_work_process(self, work_process: WorkProcess, core_task: CoreTask, code: str, title: str) -> None:
        self._check_new_code(code, work_process)
        work_process.code = code
        work_process.title = title
        work_process.core_task = core_task

    def remove_work_process(self, work_process: WorkProcess) -> None:
        used = sum(1 for c in self.criteria() if c.work_process is work_process)
        if used:
            raise StructureInUse(
                f"Werkproces {work_process.code} heeft nog {used} criteri{'um' if used == 1 else 'a'}. "
                "Verwijder of verplaats die eerst."
            )
        self.work_processes.remove(work_process)

    def add_criterion(self, part: ExamPart, criterion: Criterion) -> None:
        if len(self.criteria()) >= MAX_CRITERIA:
            raise StructureLimitReached(f"Een examen heeft hoogstens {MAX_CRITERIA} criteria.")
        criterion.position = max((c.position for c in part.criteria), default=-1) + 1
        part.criteria.append(criterion)

    def move_criterion_to_part(self, criterion: Criterion, part: ExamPart) -> None:
        current = next(p for p in self.parts if criterion in p.criteria)
        if current is part:
            return
        current.criteria.remove(criterion)
        criterion.position = max((c.position for c in part.criteria), default=-1) + 1
        part.criteria.append(criterion)

    def remove_criterion(self, criterion: Criterion) -> None:
        for part in self.parts:
            if criterion in part.criteria:
                part.criteria.remove(criterion)
                return

    def move_criterion(self, criterion: Criterion, step: int) -> None:
        """Swap a criterion with its neighbour above (step -1) or below (+1) within its part."""
        part = next(p for p in self.parts if criterion in p.criteria)
        ordered = sorted(part.criteria, key=lambda c: c.position)
        for position, item in enumerate(ordered):
            item.position = position
        index = ordered.index(criterion)
        other = index + step
        if 0 <= other < len(ordered):
            ordered[index].position, ordered[other].position = other, index

    def _check_new_code(self, code: str, own: object) -> None:
        taken = [c for c in self.core_tasks if c is not own] + [w for w in self.work_processes if w is not own]
        if any(item.code.casefold() == code.casefold() for item in taken):
            raise DuplicateStructureCode(f"De code {code} bestaat al in dit examen.", field="code")

    # --- whole structure from a definition ---------------------------------------------------

    def clear_structure(self) -> None:
        """Remove all parts, criteria, work processes and core tasks (before a replacement)."""
        self.parts.clear()
        self.work_processes.clear()
        self.core_tasks.clear()

    def apply_definition(self, definition: ExamDefinition, module_id: int | None) -> None:
        """Take the header, scoring rule and (on an empty structure) the structure of ``definition``.

        The definition must be checked first (``definition_problems``)."""
        self.code = definition.code
        self.name = definition.name
        self.module_id = module_id
        self.planning_instruction = definition.planning_instruction
        self.location = definition.location
        self.max_attempts = definition.max_attempts
        self.pass_mark = PassMark.parse(definition.scoring.pass_mark)
        self.justification_rule = JustificationRule.parse(definition.scoring.justification_scores)
        minimum = definition.scoring.work_process_minimum
        self.work_process_minimum = PassMark.parse(minimum) if minimum is not None else None
        by_code: dict[str, WorkProcess] = {}
        for ct_position, ct_def in enumerate(definition.core_tasks):
            core_task = CoreTask(code=ct_def.code, title=ct_def.title, position=ct_position)
            self.core_tasks.append(core_task)
            for wp_def in ct_def.work_processes:
                work_process = WorkProcess(
                    code=wp_def.code, title=wp_def.title, core_task=core_task, position=len(self.work_processes)
                )
                self.work_processes.append(work_process)
                by_code[wp_def.code.casefold()] = work_process
        for part_def in sorted(definition.parts, key=lambda p: p.number):
            part = ExamPart(number=part_def.number, title=part_def.title)
            for position, c_def in enumerate(part_def.criteria):
                part.criteria.append(
                    Criterion(
                        text=c_def.text,
                        work_process=by_code[c_def.work_process.casefold()],
                        knock_out=c_def.knock_out,
                        descriptors=normalise_descriptors(c_def.descriptors),
                        position=position,
                    )
                )
            self.parts.append(part)

    def to_definition(self, module_name: str | None) -> ExamDefinition:
        """The exam as a definition (for download); uploading it again gives the same exam."""
        core_tasks = []
        for core_task in sorted(self.core_tasks, key=lambda c: c.position):
            processes = tuple(
                WorkProcessDefinition(code=w.code, title=w.title or "")
                for w in sorted(self.work_processes, key=lambda w: w.position)
                if w.core_task is core_task
            )
            core_tasks.append(CoreTaskDefinition(code=core_task.code, title=core_task.title or "", work_processes=processes))
        parts = tuple(
            PartDefinition(
                number=part.number,
                title=part.title or "",
                criteria=tuple(
                    CriterionDefinition(
                        work_process=c.work_process.code if c.work_process else "",
                        text=c.text,
                        knock_out=bool(c.knock_out),
                        descriptors=c.descriptors.by_number(),
                    )
                    for c in sorted(part.criteria, key=lambda c: c.position)
                ),
            )
            for part in sorted(self.parts, key=lambda p: p.number)
        )
        return ExamDefinition(
            code=self.code,
            name=self.name,
            module=module_name,
            planning_instruction=self.planning_instruction,
            location=self.location,
            max_attempts=self.max_attempts,
            scoring=ScoringDefinition(
                pass_mark=self.pass_mark.value,
                justification_scores=self.justification_rule.values,
                work_process_minimum=self.work_process_minimum.value if self.work_process_minimum else None,
            ),
            core_tasks=tuple(core_tasks),
            parts=parts,
        )


# --- the exam definition: one exam as plain data (upload, download, demo seed) ---------------


@attrs.frozen
class WorkProcessDefinition:
    code: str
    title: str = ""


@attrs.frozen
class CoreTaskDefinition:
    code: str
    title: str = ""
    work_processes: tuple[WorkProcessDefinition, ...] = ()


@attrs.frozen
class CriterionDefinition:
    """``descriptors`` maps a score to its text; keys other than 1-5 are refused by the check."""

    work_process: str
    text: str
    knock_out: bool = False
    descriptors: Mapping[int, str] = attrs.field(factory=dict)


@attrs.frozen
class PartDefinition:
    number: int
    title: str = ""
    criteria: tuple[CriterionDefinition, ...] = ()


@attrs.frozen
class ScoringDefinition:
    pass_mark: Decimal = DEFAULT_PASS_MARK.value
    justification_scores: tuple[int, ...] = DEFAULT_JUSTIFICATION_RULE.values
    work_process_minimum: Decimal | None = None


@attrs.frozen
class ExamDefinition:
    """Everything an exam is, in the shape of the upload file (see the team brief's format)."""

    code: str
    name: str
    parts: tuple[PartDefinition, ...]
    core_tasks: tuple[CoreTaskDefinition, ...]
    module: str | None = None
    planning_instruction: str | None = None
    location: str | None = None
    max_attempts: int | None = None
    scoring: ScoringDefinition = ScoringDefinition()


def part_place(index: int, number: object = None) -> str:
    """How a message names a part: by its place in the list, and its number when that differs."""
    place = f"Onderdeel {index + 1}"
    if isinstance(number, int) and not isinstance(number, bool) and number != index + 1:
        place += f" (nummer {number})"
    return place


def criterion_place(part_index: int, part_number: object, criterion_index: int) -> str:
    return f"{part_place(part_index, part_number)}, criterium {criterion_index + 1}"


def core_task_place(index: int, code: object = None) -> str:
    return f"Kerntaak {index + 1}" + (f" ({code})" if isinstance(code, str) and code.strip() else "")


def definition_problems(definition: ExamDefinition) -> list[str]:
    """Every rule an exam definition breaks, as Dutch sentences naming the place; empty if fine."""
    problems: list[str] = []

    def check(place: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InvalidValue as exc:
            problems.append(f"{place}: {_lower_first(exc.message)}")
            return None

    check("Examen", validate_code, definition.code, "De examencode")
    check("Examen", _text, definition.name, "De naam", required=True, max_length=200)
    check("Examen", _text, definition.module, "De module", max_length=200)
    check("Examen", _text, definition.planning_instruction, "De planningsinstructie", max_length=MAX_LONG_TEXT)
    check("Examen", _text, definition.location, "De locatie", max_length=MAX_TEXT)
    check("Examen", validate_max_attempts, definition.max_attempts)
    check("Beoordelingsregel (scoring)", validate_pass_mark, definition.scoring.pass_mark)
    if definition.scoring.work_process_minimum is not None:
        check("Beoordelingsregel (scoring), minimum per werkproces", validate_pass_mark, definition.scoring.work_process_minimum)
    scores = list(definition.scoring.justification_scores)
    if check("Beoordelingsregel (scoring)", validate_justification_scores, scores) is not None and len(set(scores)) != len(scores):
        problems.append("Beoordelingsregel (scoring): een score staat dubbel in de scores die een onderbouwing vragen.")

    # Core tasks and work processes.
    if not definition.core_tasks:
        problems.append("Examen: er moet minstens één kerntaak zijn (core_tasks), met werkprocessen.")
    if len(definition.core_tasks) > MAX_CORE_TASKS:
        problems.append(f"Examen: hoogstens {MAX_CORE_TASKS} kerntaken.")
    seen_codes: dict[str, str] = {}
    work_process_codes: dict[str, int] = {}  # folded code -> core task index
    process_count = 0
    for ct_index, core_task in enumerate(definition.core_tasks):
        place = core_task_place(ct_index, core_task.code)
        code = check(place, validate_code, core_task.code, "De code van de kerntaak")
        check(place, _text, core_task.title, "De titel", max_length=300)
        if code is not None:
            if code.casefold() in seen_codes:
                problems.append(f"{place}: de code {code} komt al voor bij {seen_codes[code.casefold()]}.")
            else:
                seen_codes[code.casefold()] = place
        if not core_task.work_processes:
            problems.append(f"{place}: heeft geen werkprocessen; elke kerntaak heeft er minstens één.")
        for wp_index, work_process in enumerate(core_task.work_processes):
            process_count += 1
            wp_place = f"{place}, werkproces {wp_index + 1}"
            wp_code = check(wp_place, validate_code, work_process.code, "De code van het werkproces", max_length=40)
            check(wp_place, _text, work_process.title, "De titel", max_length=300)
            if wp_code is not None:
                if wp_code.casefold() in seen_codes:
                    problems.append(f"{wp_place}: de code {wp_code} komt al voor bij {seen_codes[wp_code.casefold()]}.")
                else:
                    seen_codes[wp_code.casefold()] = wp_place
                    work_process_codes[wp_code.casefold()] = ct_index
    if process_count > MAX_WORK_PROCESSES:
        problems.append(f"Examen: hoogstens {MAX_WORK_PROCESSES} werkprocessen.")

    # Parts and criteria.
    parts = definition.parts
    if not parts:
        problems.append("Examen: er moet minstens één onderdeel zijn (parts), met criteria.")
    if len(parts) > MAX_PARTS:
        problems.append(f"Examen: hoogstens {MAX_PARTS} onderdelen.")
    numbers = [p.number for p in parts]
    seen_numbers: set[int] = set()
    for index, number in enumerate(numbers):
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            problems.append(f"{part_place(index)}: het nummer moet een geheel getal vanaf 1 zijn.")
        elif number in seen_numbers:
            problems.append(f"{part_place(index, number)}: het nummer {number} komt twee keer voor.")
        else:
            seen_numbers.add(number)
    valid_numbers = {n for n in seen_numbers}
    if parts and valid_numbers and len(valid_numbers) == len(parts):
        missing = sorted(set(range(1, len(parts) + 1)) - valid_numbers)
        for number in missing:
            problems.append(
                f"Onderdeel {number} ontbreekt: de onderdelen moeten doorlopend genummerd zijn van 1 t/m {len(parts)}."
            )
    used_core_tasks: set[int] = set()
    total_criteria = 0
    known = ", ".join(
        wp.code for ct in definition.core_tasks for wp in ct.work_processes if isinstance(wp.code, str)
    )
    for p_index, part in enumerate(parts):
        place = part_place(p_index, part.number)
        check(place, _text, part.title, "De titel", max_length=200)
        if not part.criteria:
            problems.append(f"{place}: heeft geen criteria; elk onderdeel heeft er minstens één.")
        for c_index, criterion in enumerate(part.criteria):
            total_criteria += 1
            c_place = criterion_place(p_index, part.number, c_index)
            check(c_place, _text, criterion.text, "De tekst van het criterium", required=True, max_length=MAX_TEXT)
            code = (criterion.work_process or "").strip() if isinstance(criterion.work_process, str) else ""
            if not code:
                problems.append(f"{c_place}: het werkproces ontbreekt (bijvoorbeeld work_process: B1-K1-W1).")
            elif code.casefold() not in work_process_codes:
                hint = f" Bekende werkprocessen: {known}." if known else " Er zijn nog geen werkprocessen gedeclareerd."
                problems.append(
                    f"{c_place}: werkproces {code} bestaat niet; declareer het onder een kerntaak (core_tasks).{hint}"
                )
            else:
                used_core_tasks.add(work_process_codes[code.casefold()])
            if not isinstance(criterion.knock_out, bool):
                problems.append(f"{c_place}: knock_out moet true of false zijn.")
            for key in criterion.descriptors:
                if descriptor_score(key) is None:
                    named = f"score {key}" if isinstance(key, int) and not isinstance(key, bool) else f"'{key}'"
                    problems.append(
                        f"{c_place}: een beschrijving voor {named} is niet toegestaan (alleen 1 t/m 5)."
                    )
            check(c_place, normalise_descriptors, {k: v for k, v in criterion.descriptors.items() if descriptor_score(k)})
    if total_criteria > MAX_CRITERIA:
        problems.append(f"Examen: hoogstens {MAX_CRITERIA} criteria.")
    for ct_index, core_task in enumerate(definition.core_tasks):
        if core_task.work_processes and ct_index not in used_core_tasks and parts:
            problems.append(
                f"{core_task_place(ct_index, core_task.code)}: heeft geen criteria; "
                "zonder criteria kan er geen cijfer voor deze kerntaak worden berekend."
            )
    return problems


def check_definition(definition: ExamDefinition) -> None:
    """Raise InvalidExamDefinition with every problem, or return when the definition is sound."""
    problems = definition_problems(definition)
    if problems:
        raise InvalidExamDefinition(problems)


def _text(value: object, label: str, *, required: bool = False, max_length: int = 200) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidValue(f"{label} moet tekst zijn.")
    text = (value or "").strip()
    if required and not text:
        raise InvalidValue(f"{label} ontbreekt.")
    if len(text) > max_length:
        raise InvalidValue(f"{label} mag hoogstens {max_length} tekens lang zijn.")
    return text or None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
