"""Ports of questionnaires (vragenlijsten): questionnaires with their questions, assignments,
responses with their answers, and the read model of the lists, the assignments and the
responses."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.permissions import StudentScope
from mijnportfolio.domain.questionnaires import Answer, Assignment, Questionnaire, QuestionnaireResponse

from .students import Option


class QuestionnaireRepository(Protocol):
    """Questionnaires with their questions."""

    def add(self, questionnaire: Questionnaire) -> None: ...

    def get(self, questionnaire_id: int) -> Questionnaire | None: ...

    def delete(self, questionnaire: Questionnaire) -> None: ...

    def is_answered(self, questionnaire_id: int) -> bool:
        """True when any student has saved or submitted answers to it."""
        ...


class QuestionnaireAssignmentRepository(Protocol):
    """Who has to answer a questionnaire: students and participant groups, with a deadline."""

    def add(self, assignment: Assignment) -> None: ...

    def get(self, assignment_id: int) -> Assignment | None: ...

    def delete(self, assignment: Assignment) -> None: ...

    def for_questionnaire(self, questionnaire_id: int) -> Sequence[Assignment]: ...

    def for_student(self, questionnaire_id: int, student_id: int, group_ids: Iterable[int]) -> Sequence[Assignment]:
        """The assignments that give the student this questionnaire: their own and their groups'."""
        ...


class QuestionnaireResponseRepository(Protocol):
    """Students' responses with their answers (one per student and questionnaire)."""

    def add(self, response: QuestionnaireResponse) -> None: ...

    def get(self, response_id: int) -> QuestionnaireResponse | None: ...

    def of_student(self, questionnaire_id: int, student_id: int) -> QuestionnaireResponse | None: ...


@attrs.frozen
class QuestionnaireRow:
    """One questionnaire in the list of admins and staff; counts only of students in scope."""

    id: int
    title: str
    question_count: int
    assignment_count: int
    assigned_students: int
    submitted: int


@attrs.frozen
class StudentQuestionnaireRow:
    """One questionnaire in a student's list, with the deadline that applies to them."""

    id: int
    title: str
    deadline: dt.datetime | None
    started: bool
    submitted_at: dt.datetime | None


@attrs.frozen
class AssignmentRow:
    id: int
    student_id: int | None
    group_id: int | None
    label: str  # the student's name and number, or the group's name
    organisation_name: str
    member_count: int  # 1 for a student; the active students of a group
    deadline: dt.datetime | None


@attrs.frozen
class ResponseRow:
    """One submitted response of a student in scope, with its answers."""

    response_id: int
    student_id: int
    student_number: str
    student_name: str
    submitted_at: dt.datetime
    answers: tuple[Answer, ...]


@attrs.frozen
class AssignmentChoices:
    students: tuple[Option, ...]
    groups: tuple[Option, ...]


class QuestionnaireQuery(Protocol):
    """Reads for the questionnaire screens; each method runs a fixed number of SQL statements."""

    def overview(self, scope: StudentScope, *, only_assigned: bool) -> Sequence[QuestionnaireRow]: ...

    def of_student(self, user_id: int) -> Sequence[StudentQuestionnaireRow]:
        """The questionnaires assigned to the student who logs in as ``user_id`` (directly or
        through one of their groups), by title."""
        ...

    def assignments(self, questionnaire_id: int) -> Sequence[AssignmentRow]: ...

    def responses(self, questionnaire_id: int, scope: StudentScope) -> Sequence[ResponseRow]:
        """The submitted responses of the students in ``scope``, by student name."""
        ...

    def assigned_count(self, questionnaire_id: int, scope: StudentScope) -> int:
        """How many active students in ``scope`` have the questionnaire (directly or by a group)."""
        ...

    def assignment_choices(self) -> AssignmentChoices:
        """Active students (name and number) and participant groups (with their organisation)."""
        ...
