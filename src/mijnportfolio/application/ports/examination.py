"""Ports of examination: attempts with their plannings, calendar feeds and invitations, and the
read models of the Examenoverzicht and the Examendashboard."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.examination.conflicts import Booking
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.examination.status import AttemptFacts, Coverage
from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.tokens import CalendarFeed

from .students import Option


class AttemptRepository(Protocol):
    """Attempts (with their part plannings) of students at exams."""

    def add(self, attempt: Attempt) -> None: ...

    def get(self, attempt_id: int) -> Attempt | None: ...

    def delete(self, attempt: Attempt) -> None: ...

    def latest(self, student_id: int, exam_id: int) -> Attempt | None:
        """The attempt with the highest number, or None."""
        ...

    def for_student(self, student_id: int) -> Sequence[Attempt]:
        """Every attempt of the student, by exam and number."""
        ...

    def by_planning(self, planning_id: int) -> Attempt | None:
        """The attempt a part planning belongs to."""
        ...

    def exists_for_exam(self, exam_id: int) -> bool: ...

    def examiner_ids_of_student(self, student_id: int) -> frozenset[int]:
        """Examiners 1 and 2 of the student's planned parts (they are linked to the student)."""
        ...

    def bookings(
        self, start: dt.datetime, end: dt.datetime, *, examiner_ids: Iterable[int], student_id: int,
        locations: Iterable[str],
    ) -> Sequence[Booking]:
        """Plannings overlapping [start, end] that involve one of the examiners, the student or one
        of the locations (compared without case)."""
        ...


class CalendarFeedRepository(Protocol):
    """The calendar feed token of a user (at most one; renewing replaces it)."""

    def get(self, user_id: int) -> CalendarFeed | None: ...

    def get_by_hash(self, token_hash: str) -> CalendarFeed | None: ...

    def add(self, feed: CalendarFeed) -> None: ...

    def delete(self, feed: CalendarFeed) -> None: ...


@attrs.frozen
class CalendarEvent:
    """One planned part as a calendar event (times in UTC; written in Europe/Amsterdam)."""

    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    description: str
    location: str | None = None
    stamp: dt.datetime | None = None


class CalendarWriter(Protocol):
    """Writes iCalendar (RFC 5545) files: METHOD REQUEST (invitation or update), CANCEL or PUBLISH (a feed)."""

    def write(self, method: str, events: Sequence[CalendarEvent], *, name: str = "") -> bytes: ...


# --- the Examenoverzicht ---------------------------------------------------------------------------


@attrs.frozen
class OverviewFilters:
    group_id: int | None = None
    cohort: str | None = None
    q: str | None = None


@attrs.frozen
class OverviewExam:
    id: int
    code: str
    name: str
    part_ids: tuple[int, ...]


@attrs.frozen
class OverviewStudent:
    id: int
    user_id: int
    organisation_id: int
    student_number: str
    display_name: str
    cohort: str | None
    supervisor_id: int
    trainer_id: int | None


@attrs.frozen
class CellFacts:
    """The facts of one student's latest attempt at one exam."""

    student_id: int
    exam_id: int
    attempt_id: int
    facts: AttemptFacts


@attrs.frozen
class FactCount:
    """How many (student, exam) cells over all pages share these status facts."""

    coverage: Coverage
    started: bool
    all_final: bool
    passed: bool | None
    count: int


@attrs.frozen
class OverviewData:
    exams: tuple[OverviewExam, ...]
    students: tuple[OverviewStudent, ...]
    cells: tuple[CellFacts, ...]
    total: int
    fact_counts: tuple[FactCount, ...]
    examiners_may_plan: frozenset[int]  # organisations whose examiners may plan
    #: The earliest first start after ``now`` of the counted attempts: the counts change then.
    next_start: dt.datetime | None = None


class OverviewQuery(Protocol):
    """The Examenoverzicht of one programme in a fixed number of statements, whatever its size."""

    def programmes(self, scope: StudentScope) -> Sequence[Option]:
        """Programmes with at least one student in scope, labelled "Name (crebo)"; every
        programme for a scope without limits (admins)."""
        ...

    def overview(
        self, programme_id: int, scope: StudentScope, filters: OverviewFilters, *, sort: str,
        page: int | None, per_page: int, now: dt.datetime,
    ) -> OverviewData:
        """One page (``page`` None: every student, for the export), with the counts over all pages."""
        ...

    def filter_options(self, programme_id: int, scope: StudentScope) -> tuple[Sequence[Option], Sequence[str]]:
        """(groups, cohorts) of the students in scope of the programme."""
        ...


# --- the Examendashboard ---------------------------------------------------------------------------


@attrs.frozen
class DashboardFilters:
    programme_id: int | None = None
    group_id: int | None = None
    student_id: int | None = None


@attrs.frozen
class PlannedPart:
    """One planned part as the dashboard lists it."""

    planning_id: int
    attempt_id: int
    attempt_number: int
    student_id: int
    student_name: str
    student_number: str
    exam_code: str
    exam_name: str
    programme_name: str
    part_number: int
    part_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str | None
    examiner1_name: str
    examiner2_name: str | None
    examiner_role: int  # 1 or 2: the user's place on this part
    examiner2_may_submit: bool
    assessment_started: bool
    calendar_uid: str
    calendar_sequence: int


@attrs.frozen
class PartsPage:
    """One page of a list of planned parts, with the size of the whole list."""

    rows: tuple[PlannedPart, ...]
    total: int
    page: int
    per_page: int
    #: The earliest start in the whole list (for upcoming parts: when the lists change by the clock).
    first_start: dt.datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class DashboardQuery(Protocol):
    """An examiner's planned parts, open ones (started, not final) and upcoming ones, a page at a
    time in one statement (a page beyond the last gives the last)."""

    def open_parts(
        self, examiner_id: int, filters: DashboardFilters, now: dt.datetime, *, page: int, per_page: int,
    ) -> PartsPage: ...

    def upcoming_parts(
        self, examiner_id: int, filters: DashboardFilters, now: dt.datetime, *, page: int, per_page: int,
    ) -> PartsPage: ...

    def parts_of_user(self, user_id: int, since: dt.datetime) -> Sequence[PlannedPart]:
        """Parts where the user is examiner 1 or 2, or the student, starting from ``since`` (the feed)."""
        ...

    def filter_options(self, examiner_id: int) -> tuple[Sequence[Option], Sequence[Option], Sequence[Option]]:
        """(programmes, groups, students) of the examiner's planned parts."""
        ...


@attrs.frozen
class ExaminerOption:
    id: int
    name: str


class PlanningOptionsQuery(Protocol):
    """The active examiners of an organisation, to choose as 'Beoordelaar' and 'Beoordelaar 2'."""

    def examiners(self, organisation_id: int) -> Sequence[ExaminerOption]: ...
