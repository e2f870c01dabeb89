"""The scoring rule of product.md 3.4, as data and one pure computation.

A core task's grade is 1 + 9 × (mean score − 1) / 4, computed exactly (fractions) and rounded
half up to one decimal; pass or fail is decided on the rounded grade, as it is shown. A core task
passes when its grade reaches the pass mark, no knock-out criterion of it scored below 3 and, when
the exam sets one, every work process reaches its minimum. The attempt passes when every core
task passes. Every outcome explains itself in Dutch: which core task failed, why, under which rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

import attrs

from ..scores import DEFAULT_PASS_MARK, PassMark, Score

KNOCK_OUT_MINIMUM = Score(3)
ONE_DECIMAL = Decimal("0.1")


@attrs.frozen
class ScoringRule:
    """An exam's rule as data. ``work_process_minimum`` None: no minimum per work process."""

    pass_mark: PassMark = DEFAULT_PASS_MARK
    knock_out_minimum: Score = KNOCK_OUT_MINIMUM
    work_process_minimum: PassMark | None = None

    def describe(self) -> str:
        parts = [f"cesuur {self.pass_mark.dutch} per kerntaak", f"knock-outcriteria minimaal {self.knock_out_minimum}"]
        if self.work_process_minimum is not None:
            parts.append(f"elk werkproces minimaal {self.work_process_minimum.dutch}")
        return ", ".join(parts)


@attrs.frozen
class CriterionRef:
    """One criterion as the rule sees it: where it belongs and whether it is a knock-out."""

    id: int
    text: str
    core_task: str
    work_process: str
    knock_out: bool = False
    core_task_title: str = ""
    work_process_title: str = ""


def exact_grade(scores: Sequence[Score]) -> Fraction:
    """1 + 9 × (mean − 1) / 4, exactly."""
    if not scores:
        raise ValueError("a grade needs at least one score")
    mean = Fraction(sum(s.value for s in scores), len(scores))
    return 1 + Fraction(9, 4) * (mean - 1)


def rounded(grade: Fraction) -> Decimal:
    """Half up to one decimal: 4.75 → 4.8, 5.45 → 5.5 (never binary floats)."""
    return (Decimal(grade.numerator) / Decimal(grade.denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def grade(scores: Sequence[Score]) -> Decimal:
    """The grade as it is shown: 5,5."""
    return rounded(exact_grade(scores))


def dutch(number: Decimal) -> str:
    return str(number).replace(".", ",")


@attrs.frozen
class WorkProcessResult:
    code: str
    title: str
    grade: Decimal
    criterion_count: int


@attrs.frozen
class CoreTaskResult:
    code: str
    title: str
    grade: Decimal | None  # None: not every criterion has a score yet
    passed: bool | None
    reasons: tuple[str, ...]
    work_processes: tuple[WorkProcessResult, ...]
    scored: int
    criterion_count: int


@attrs.frozen
class Outcome:
    """The result of an attempt (or a provisional one, while criteria are still unscored)."""

    core_tasks: tuple[CoreTaskResult, ...]
    complete: bool  # every criterion has a score
    passed: bool | None  # None while not complete
    rule: ScoringRule

    @property
    def explanation(self) -> str:
        """One Dutch paragraph: the outcome and why."""
        if not self.complete:
            missing = sum(c.criterion_count - c.scored for c in self.core_tasks)
            return f"Nog niet compleet: {missing} criteri{'um' if missing == 1 else 'a'} zonder score."
        if self.passed:
            grades = ", ".join(f"{c.code} {dutch(c.grade)}" for c in self.core_tasks if c.grade is not None)
            return f"Behaald: elke kerntaak voldoet ({grades}; {self.rule.describe()})."
        reasons = " ".join(r for c in self.core_tasks for r in c.reasons)
        return f"Niet behaald. {reasons}"

    @property
    def label(self) -> str:
        if self.passed is None:
            return "Nog niet compleet"
        return "Behaald" if self.passed else "Niet behaald"


def outcome(criteria: Iterable[CriterionRef], scores: Mapping[int, Score], rule: ScoringRule) -> Outcome:
    """Apply ``rule`` to ``scores`` (by criterion id) of the exam's ``criteria``.

    The order of the criteria does not matter; a criterion without a score makes the outcome
    provisional (``complete`` False) and leaves its core task without a grade."""
    by_core_task: dict[str, list[CriterionRef]] = {}
    for criterion in criteria:
        by_core_task.setdefault(criterion.core_task, []).append(criterion)
    results = []
    complete = True
    for code in sorted(by_core_task):
        members = by_core_task[code]
        scored = [(c, scores[c.id]) for c in members if c.id in scores]
        title = members[0].core_task_title
        if len(scored) < len(members):
            complete = False
            results.append(CoreTaskResult(code, title, None, None, (), (), len(scored), len(members)))
            continue
        shown = grade([s for _, s in scored])
        reasons: list[str] = []
        if shown < rule.pass_mark.value:
            reasons.append(
                f"Kerntaak {code} niet behaald: het cijfer {dutch(shown)} is lager dan de cesuur {rule.pass_mark.dutch}."
            )
        for criterion, score in sorted(scored, key=lambda pair: (pair[0].work_process, pair[0].id)):
            if criterion.knock_out and score < rule.knock_out_minimum:
                reasons.append(
                    f"Kerntaak {code} niet behaald: knock-outcriterium '{_short(criterion.text)}' ({criterion.work_process}) "
                    f"kreeg {score}, minimaal {rule.knock_out_minimum} is nodig."
                )
        processes: dict[str, list[Score]] = {}
        process_titles: dict[str, str] = {}
        for criterion, score in scored:
            processes.setdefault(criterion.work_process, []).append(score)
            process_titles[criterion.work_process] = criterion.work_process_title
        process_results = tuple(
            WorkProcessResult(wp, process_titles[wp], grade(values), len(values)) for wp, values in sorted(processes.items())
        )
        if rule.work_process_minimum is not None:
            for wp in process_results:
                if wp.grade < rule.work_process_minimum.value:
                    reasons.append(
                        f"Kerntaak {code} niet behaald: werkproces {wp.code} heeft het cijfer {dutch(wp.grade)}, "
                        f"lager dan het minimum {rule.work_process_minimum.dutch} per werkproces."
                    )
        results.append(
            CoreTaskResult(code, title, shown, not reasons, tuple(reasons), process_results, len(scored), len(members))
        )
    passed = all(r.passed for r in results) if complete and results else None
    return Outcome(core_tasks=tuple(results), complete=complete and bool(results), passed=passed, rule=rule)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
