"""The status of a (student, exam) cell of the overview (product.md 3.3, manual 2.2 and 2.5).

One pure function of the facts of the student's latest attempt and the clock. The codes are a
stable interface (``data-status`` in the HTML); the colours and patterns are how the overview
shows them, and never the only signal.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs


class CellStatus(str, enum.Enum):
    NOT_PLANNED = "not_planned"
    PARTIALLY_PLANNED = "partially_planned"
    PARTIALLY_PLANNED_STARTED = "partially_planned_started"
    PLANNED = "planned"
    STARTED = "started"
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def description(self) -> str:
        return STATUS_DESCRIPTIONS[self]


STATUS_LABELS = {
    CellStatus.NOT_PLANNED: "Nog niet ingepland",
    CellStatus.PARTIALLY_PLANNED: "Deels ingepland",
    CellStatus.PARTIALLY_PLANNED_STARTED: "Deels ingepland, gestart",
    CellStatus.PLANNED: "Ingepland",
    CellStatus.STARTED: "Gestart",
    CellStatus.PASSED: "Behaald",
    CellStatus.FAILED: "Niet behaald",
}

STATUS_DESCRIPTIONS = {
    CellStatus.NOT_PLANNED: "Wit: nog niets ingepland.",
    CellStatus.PARTIALLY_PLANNED: "Grijs/wit gestreept: niet alle onderdelen ingepland, nog niet begonnen.",
    CellStatus.PARTIALLY_PLANNED_STARTED: "Blauw/wit gestreept: niet alle onderdelen ingepland, wel begonnen.",
    CellStatus.PLANNED: "Grijs: alle onderdelen ingepland, nog niet begonnen.",
    CellStatus.STARTED: "Blauw: begonnen, nog niet alles definitief beoordeeld.",
    CellStatus.PASSED: "Groen: alle onderdelen definitief beoordeeld, behaald.",
    CellStatus.FAILED: "Rood: alle onderdelen definitief beoordeeld, niet behaald. Klik om een herkansing in te plannen.",
}

#: The order of the legend and the summary row.
STATUS_ORDER = tuple(CellStatus)


class Coverage(str, enum.Enum):
    """How many of the exam's parts the attempt has planned."""

    NONE = "none"
    SOME = "some"
    ALL = "all"


@attrs.frozen
class AttemptFacts:
    """What the status depends on, for the latest attempt of one student at one exam.

    ``passed`` is the attempt's outcome once every part is final (None before)."""

    number: int
    part_count: int
    planned_count: int
    final_count: int
    first_start: dt.datetime | None
    passed: bool | None = None

    @property
    def coverage(self) -> Coverage:
        return coverage(self.part_count, self.planned_count)

    @property
    def all_final(self) -> bool:
        return self.part_count > 0 and self.final_count >= self.part_count

    def started(self, now: dt.datetime) -> bool:
        """Started: the earliest start of the planned parts is at or before now."""
        return self.first_start is not None and self.first_start <= now


def coverage(part_count: int, planned_count: int) -> Coverage:
    if planned_count <= 0:
        return Coverage.NONE
    if planned_count < part_count:
        return Coverage.SOME
    return Coverage.ALL


def status_from(coverage: Coverage, started: bool, all_final: bool, passed: bool | None) -> CellStatus:
    """The rule itself, on the four facts it needs (a final part is planned and started)."""
    if all_final:
        return CellStatus.PASSED if passed else CellStatus.FAILED
    if coverage is Coverage.NONE:
        return CellStatus.NOT_PLANNED
    if coverage is Coverage.SOME:
        return CellStatus.PARTIALLY_PLANNED_STARTED if started else CellStatus.PARTIALLY_PLANNED
    return CellStatus.STARTED if started else CellStatus.PLANNED


def cell_status(facts: AttemptFacts | None, now: dt.datetime) -> CellStatus:
    """The overview's status of a student's latest attempt (None: no attempt yet)."""
    if facts is None:
        return CellStatus.NOT_PLANNED
    return status_from(facts.coverage, facts.started(now), facts.all_final, facts.passed)


def cell_attempt_number(facts: AttemptFacts | None) -> int:
    """The number shown in the cell: 0 when there is no attempt (``data-attempt``)."""
    return facts.number if facts is not None else 0
