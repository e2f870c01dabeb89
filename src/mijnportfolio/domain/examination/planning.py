"""Attempts and the planning of their parts (product.md 3.2, 3.5; manual 2.2, 2.5).

An ``Attempt`` is one try of a student at an exam, numbered 1, 2, ...; each of its planned parts
is a ``PartPlanning`` with start, end, location and one or two examiners. Assessments attach to
a planning; the attempt records its outcome once every part is final.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Sequence

import attrs

from ..errors import DomainError, ValidationErrors
from ..organisations import Role
from .local_time import format_range
from .status import AttemptFacts

MAX_LOCATION = 500


# --- the rules, each with its own error --------------------------------------------------------


class EndBeforeStart(DomainError):
    """The end of a part is at or after its start (the end is not binding, but it is not earlier)."""

    default_message = "De einddatum/eindtijd ligt vóór de begindatum/begintijd."


class ExaminerRequired(DomainError):
    """Every planned part has an examiner ('Beoordelaar')."""

    default_message = "Kies een beoordelaar."


class SameExaminerTwice(DomainError):
    """Examiner 1 and examiner 2 are two different people."""

    default_message = "Beoordelaar en Beoordelaar 2 moeten twee verschillende examinatoren zijn."


class NotAnExaminer(DomainError):
    """Both examiners have the examiner role in the student's organisation and are active."""

    default_message = "Kies een actieve examinator van de organisatie van de student."


class NothingToPlan(DomainError):
    """A planning action plans at least one part."""

    default_message = "Kies minstens één examenonderdeel om in te plannen."


class PartAlreadyFinal(DomainError):
    """A part with a final assessment keeps its planning: its result is based on it."""

    default_message = "Dit onderdeel is al definitief beoordeeld en kan niet opnieuw worden ingepland."


class AssessmentAlreadyStarted(DomainError):
    """Once an examiner has started scoring a part, its planning stays as it is."""

    default_message = "De beoordeling van dit onderdeel is al begonnen; de planning kan niet meer worden gewijzigd."


class ExamAlreadyPassed(DomainError):
    """A passed exam is not planned again."""

    default_message = "De student heeft dit examen al behaald; er valt niets meer in te plannen."


class RetakeRequired(DomainError):
    """After a failed attempt, planning means a retake (a new attempt), chosen deliberately."""

    default_message = "Dit examen is niet behaald. Plan een herkansing in via het rode blokje ('Herkansing inplannen')."


class RetakeNotAllowed(DomainError):
    """A retake (attempt n+1) exists only after attempt n failed."""

    default_message = "Een herkansing kan alleen worden ingepland als de laatste poging niet behaald is."


class MaxAttemptsReached(DomainError):
    """An exam may limit the number of attempts."""

    default_message = "Het maximale aantal pogingen voor dit examen is bereikt."


class AttemptTakenMeanwhile(DomainError):
    """Two planners started the same attempt at the same moment; one of them was first."""

    default_message = (
        "Iemand anders heeft deze poging net tegelijk ingepland. Er is niets dubbel opgeslagen; "
        "open het examenoverzicht opnieuw om de planning te zien."
    )


class PlanningNotValid(ValidationErrors):
    """Several fields of the planning form are wrong; ``by_field`` names each. Nothing was stored."""

    default_message = "De planning is niet opgeslagen: verbeter de gemarkeerde velden."

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__([e.message for e in errors])
        self.by_field: dict[str, str] = {}
        for error in errors:
            key = error.field or ""
            self.by_field[key] = f"{self.by_field[key]} {error.message}" if key in self.by_field else error.message


# --- the entities --------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class PartPlanning:
    """One planned part of an attempt.

    ``calendar_uid`` and ``calendar_sequence`` identify the calendar event that the planning
    e-mails carry: a re-plan sends the same UID with a higher SEQUENCE.
    ``assessment_started_at`` is set when an examiner first saves a score; ``finalized_at`` when
    the part's assessment is made final."""

    part_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    examiner1_id: int
    examiner2_id: int | None = None
    examiner2_may_submit: bool = False
    location: str | None = None
    calendar_uid: str = ""
    calendar_sequence: int = 0
    planned_at: dt.datetime | None = None
    planned_by_id: int | None = None
    assessment_started_at: dt.datetime | None = None
    finalized_at: dt.datetime | None = None
    final_assessment_id: int | None = None
    attempt_id: int | None = None
    id: int | None = None
    version: int = 1

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None

    def examiner_ids(self) -> set[int]:
        return {i for i in (self.examiner1_id, self.examiner2_id) if i is not None}

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now

    def check_changeable(self, part_label: str) -> None:
        """Re-planning or cancelling is possible until an examiner starts scoring."""
        if self.is_final:
            raise PartAlreadyFinal(f"{part_label} is al definitief beoordeeld en kan niet opnieuw worden ingepland of geannuleerd.")
        if self.assessment_started_at is not None:
            raise AssessmentAlreadyStarted(
                f"De beoordeling van {part_label.lower()} is al begonnen; de planning kan niet meer worden gewijzigd."
            )

    def why_not_changeable(self, part_label: str) -> str | None:
        """The reason check_changeable would give, or None while the part may still change."""
        try:
            self.check_changeable(part_label)
        except DomainError as exc:
            return exc.message
        return None

    def same_schedule(self, schedule: Schedule) -> bool:
        return (
            self.starts_at == schedule.starts_at and self.ends_at == schedule.ends_at
            and (self.location or None) == (schedule.location or None)
            and self.examiner1_id == schedule.examiner1_id and self.examiner2_id == schedule.examiner2_id
            and bool(self.examiner2_may_submit) == schedule.examiner2_may_submit
        )

    def apply(self, schedule: Schedule, *, now: dt.datetime, by: int) -> None:
        """Take a new schedule; the calendar event moves with it (a higher SEQUENCE)."""
        self.starts_at, self.ends_at = schedule.starts_at, schedule.ends_at
        self.location = schedule.location
        self.examiner1_id, self.examiner2_id = schedule.examiner1_id, schedule.examiner2_id
        self.examiner2_may_submit = schedule.examiner2_may_submit
        self.calendar_sequence += 1
        self.planned_at, self.planned_by_id = now, by


@attrs.define(slots=False, eq=False)
class Attempt:
    """One try of a student at an exam ('examenaanmelding', 'poging'), numbered from 1.

    ``result_passed`` is the outcome, recorded when the last part becomes final (and again after
    a correction). It is derived from the scores by the scoring rule, kept here so that lists of
    thousands of attempts need not recompute every grade."""

    student_id: int
    exam_id: int
    number: int
    created_at: dt.datetime
    created_by_id: int | None = None
    plannings: list[PartPlanning] = attrs.field(factory=list)
    result_passed: bool | None = None
    result_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    id: int | None = None
    version: int = 1

    def planning_for(self, part_id: int) -> PartPlanning | None:
        return next((p for p in self.plannings if p.part_id == part_id), None)

    def planning(self, planning_id: int) -> PartPlanning | None:
        return next((p for p in self.plannings if p.id == planning_id), None)

    def facts(self, part_ids: Iterable[int]) -> AttemptFacts:
        """The facts of the overview's status, for an exam with these parts."""
        parts = set(part_ids)
        mine = [p for p in self.plannings if p.part_id in parts]
        return AttemptFacts(
            number=self.number,
            part_count=len(parts),
            planned_count=len(mine),
            final_count=sum(1 for p in mine if p.is_final),
            first_start=min((p.starts_at for p in mine), default=None),
            passed=self.result_passed,
        )

    def is_complete(self, part_ids: Iterable[int]) -> bool:
        """Every part of the exam has a final assessment."""
        return self.facts(part_ids).all_final

    def examiner_ids(self) -> set[int]:
        return {i for p in self.plannings for i in p.examiner_ids()}

    def record_outcome(self, passed: bool | None, now: dt.datetime) -> None:
        """Record the outcome computed by the scoring rule (None while parts are still open)."""
        self.result_passed = passed
        self.result_at = now if passed is not None else None
        self.updated_at = now

    def touch(self, now: dt.datetime) -> None:
        """Mark the attempt changed, so that two changes at once cannot both be stored."""
        self.updated_at = now


# --- what a planner asks for ---------------------------------------------------------------------


@attrs.frozen
class Schedule:
    """A checked plan of one part: start, end, location and the examiners."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    examiner1_id: int
    examiner2_id: int | None = None
    examiner2_may_submit: bool = False
    location: str | None = None

    def describe(self) -> str:
        return format_range(self.starts_at, self.ends_at)


@attrs.frozen
class ExaminerFacts:
    """What the rules need to know about a chosen examiner."""

    id: int
    name: str
    role: Role
    organisation_id: int | None
    active: bool


def check_schedule(
    schedule: Schedule,
    examiners: Mapping[int, ExaminerFacts],
    organisation_id: int,
    *,
    field_prefix: str = "",
) -> list[DomainError]:
    """Every rule of product.md 3.2 that ``schedule`` breaks, each with its field; empty when fine."""
    problems: list[DomainError] = []
    if schedule.ends_at < schedule.starts_at:
        problems.append(EndBeforeStart(field=f"{field_prefix}end"))
    for key, examiner_id in (("examiner1_id", schedule.examiner1_id), ("examiner2_id", schedule.examiner2_id)):
        if examiner_id is None:
            continue
        facts = examiners.get(examiner_id)
        if facts is None or facts.role is not Role.EXAMINER or facts.organisation_id != organisation_id or not facts.active:
            name = facts.name if facts is not None else "Deze persoon"
            problems.append(
                NotAnExaminer(f"{name} is geen actieve examinator van de organisatie van de student.", field=f"{field_prefix}{key}")
            )
    if schedule.examiner2_id is not None and schedule.examiner2_id == schedule.examiner1_id:
        problems.append(SameExaminerTwice(field=f"{field_prefix}examiner2_id"))
    return problems


def next_attempt_number(latest: Attempt | None, part_ids: Iterable[int], max_attempts: int | None, *, retake: bool) -> int | None:
    """Which attempt a planning goes into: None for the latest (still open) attempt, or the
    number of a new one. Raises the rule that forbids planning at all."""
    parts = list(part_ids)
    if latest is None:
        if retake:
            raise RetakeNotAllowed("Er is nog geen poging; plan eerst de eerste poging in.")
        return 1
    facts = latest.facts(parts)
    if not facts.all_final:
        if retake:
            raise RetakeNotAllowed(
                f"Poging {latest.number} is nog niet afgerond; een herkansing kan pas als die niet behaald is."
            )
        return None
    if latest.result_passed:
        raise ExamAlreadyPassed()
    if not retake:
        raise RetakeRequired()
    if max_attempts is not None and latest.number >= max_attempts:
        raise MaxAttemptsReached(
            f"Het maximale aantal pogingen ({max_attempts}) voor dit examen is bereikt; er kan geen herkansing meer worden ingepland."
        )
    return latest.number + 1


def clean_location(text: str | None) -> str | None:
    value = " ".join((text or "").split())
    if len(value) > MAX_LOCATION:
        value = value[:MAX_LOCATION]
    return value or None
