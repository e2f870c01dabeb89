"""Questionnaires (vragenlijsten, manual 1.2.1): admins make and assign them, students answer
them, staff read the responses of the students they may see.

The refusals a student can meet (submitted already, after the deadline, a value that is not
one of the choices) raise domain errors before anything is written, so that the page can show
the answers again exactly as they were typed: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

import attrs

from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DomainError,
    InvalidValue,
    NotFound,
    check,
    raise_collected,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, Permission, is_allowed, require, student_scope
from mijnportfolio.domain.questionnaires import (
    Answer,
    Assignment,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireDataInvalid,
    QuestionnaireResponse,
    QuestionSummary,
    answer_text,
    dutch_date,
    effective_deadline,
    end_of_day,
    format_moment,
    is_past,
    parse_answers,
    parse_deadline,
    summarise,
    validate_question_fields,
    validate_questionnaire_fields,
)
from mijnportfolio.domain.students import Student

from .ports.common import Clock
from .ports.questionnaires import (
    AssignmentChoices,
    AssignmentRow,
    QuestionnaireQuery,
    QuestionnaireRow,
    ResponseRow,
)
from .ports.unit_of_work import UnitOfWork, saved_id

NOT_FOUND = "Deze vragenlijst bestaat niet (meer)."
NOT_ASSIGNED = "Deze vragenlijst bestaat niet of is niet voor jou bedoeld."
RESPONSE_NOT_FOUND = "Deze antwoorden bestaan niet of je hebt er geen toegang toe."
MAX_ASSIGN = 2_000


class QuestionnaireAnswered(DomainError):
    """A questionnaire that students have answered is not deleted: their answers would go too."""

    default_message = "Deze vragenlijst is al ingevuld door studenten en kan daarom niet worden verwijderd."


# -- records for the screens ----------------------------------------------------------------------


@attrs.frozen
class QuestionnaireData:
    title: str | None
    description: str | None


@attrs.frozen
class QuestionData:
    """A question as the form sends it; ``options`` one per line (multiple choice only)."""

    kind: str | None
    text: str | None
    options: str | None = None


@attrs.frozen
class QuestionView:
    id: int
    number: int
    kind: QuestionKind
    text: str
    options: tuple[str, ...]
    is_first: bool = False
    is_last: bool = False

    @property
    def kind_label(self) -> str:
        return self.kind.label


@attrs.frozen
class QuestionnaireDetail:
    id: int
    title: str
    description: str | None
    version: int
    questions: tuple[QuestionView, ...]
    answered: bool


def _views(questionnaire: Questionnaire) -> tuple[QuestionView, ...]:
    ordered = questionnaire.ordered_questions()
    last = len(ordered) - 1
    return tuple(
        QuestionView(
            id=saved_id(q.id), number=n + 1, kind=q.kind, text=q.text, options=tuple(q.options),
            is_first=n == 0, is_last=n == last,
        )
        for n, q in enumerate(ordered)
    )


def may_edit_questionnaires(actor: Actor) -> bool:
    return is_allowed(actor, Permission.EDIT_QUESTIONNAIRES)


def may_view_responses(actor: Actor) -> bool:
    """Admins and the staff who follow students (their linked students' responses)."""
    return is_allowed(actor, Permission.VIEW_QUESTIONNAIRE_RESPONSES)


def _require_staff(actor: Actor) -> None:
    # Students (and anyone else) learn nothing about responses: 404, not 403.
    if not may_view_responses(actor):
        raise NotFound(RESPONSE_NOT_FOUND)


# -- admins: making questionnaires --------------------------------------------------------------


def list_questionnaires(query: QuestionnaireQuery, actor: Actor) -> Sequence[QuestionnaireRow]:
    """Admins: every questionnaire. Other staff: the assigned ones, counting only the students
    they may see."""
    _require_staff(actor)
    return query.overview(student_scope(actor), only_assigned=not actor.is_admin)


def _get(uow: UnitOfWork, questionnaire_id: int) -> Questionnaire:
    questionnaire = uow.questionnaires.get(questionnaire_id)
    if questionnaire is None:
        raise NotFound(NOT_FOUND)
    return questionnaire


def create_questionnaire(uow: UnitOfWork, actor: Actor, clock: Clock, data: QuestionnaireData) -> int:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    title, description = validate_questionnaire_fields(data.title, data.description)
    with uow:
        questionnaire = Questionnaire(
            title=title, description=description, created_at=clock.now(), created_by_id=actor.user_id
        )
        uow.questionnaires.add(questionnaire)
        uow.flush()
        uow.commit()
        return saved_id(questionnaire.id)


def get_questionnaire(uow: UnitOfWork, actor: Actor, questionnaire_id: int) -> QuestionnaireDetail:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        return QuestionnaireDetail(
            id=saved_id(questionnaire.id), title=questionnaire.title, description=questionnaire.description,
            version=questionnaire.version, questions=_views(questionnaire),
            answered=uow.questionnaires.is_answered(questionnaire_id),
        )


def update_questionnaire(
    uow: UnitOfWork, actor: Actor, questionnaire_id: int, data: QuestionnaireData, *, expected_version: int | None = None
) -> None:
    """Title and description may always be corrected (also once answered)."""
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    title, description = validate_questionnaire_fields(data.title, data.description)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        if expected_version is not None and questionnaire.version != expected_version:
            raise ConcurrentModification()
        questionnaire.title = title
        questionnaire.description = description
        uow.commit()


def delete_questionnaire(uow: UnitOfWork, actor: Actor, questionnaire_id: int) -> str:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        if uow.questionnaires.is_answered(questionnaire_id):
            raise QuestionnaireAnswered()
        title = questionnaire.title
        for assignment in uow.questionnaire_assignments.for_questionnaire(questionnaire_id):
            uow.questionnaire_assignments.delete(assignment)
        uow.questionnaires.delete(questionnaire)
        uow.commit()
        return title


def add_question(uow: UnitOfWork, actor: Actor, questionnaire_id: int, data: QuestionData) -> int:
    """A question at the end; refused (QuestionsLocked) once anyone has answered."""
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    kind, text, options = validate_question_fields(data.kind, data.text, data.options)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        question = Question(kind=kind, text=text, options=options)
        questionnaire.add_question(question, answered=uow.questionnaires.is_answered(questionnaire_id))
        uow.flush()
        uow.commit()
        return saved_id(question.id)


def _question(questionnaire: Questionnaire, question_id: int) -> Question:
    question = questionnaire.question(question_id)
    if question is None:
        raise NotFound("Deze vraag bestaat niet (meer).")
    return question


def get_question(uow: UnitOfWork, actor: Actor, questionnaire_id: int, question_id: int) -> QuestionView:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        _question(questionnaire, question_id)
        return next(v for v in _views(questionnaire) if v.id == question_id)


def update_question(uow: UnitOfWork, actor: Actor, questionnaire_id: int, question_id: int, data: QuestionData) -> None:
    """Texts (of the question and of its options) may always be corrected; the kind and the
    number of options only while nobody has answered."""
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    kind, text, options = validate_question_fields(data.kind, data.text, data.options)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        question = _question(questionnaire, question_id)
        questionnaire.change_question(
            question, kind, text, options, answered=uow.questionnaires.is_answered(questionnaire_id)
        )
        uow.commit()


def delete_question(uow: UnitOfWork, actor: Actor, questionnaire_id: int, question_id: int) -> str:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        question = _question(questionnaire, question_id)
        questionnaire.remove_question(question, answered=uow.questionnaires.is_answered(questionnaire_id))
        uow.commit()
        return question.text


def move_question(uow: UnitOfWork, actor: Actor, questionnaire_id: int, question_id: int, offset: int) -> bool:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        question = _question(questionnaire, question_id)
        moved = questionnaire.move_question(
            question, offset, answered=uow.questionnaires.is_answered(questionnaire_id)
        )
        if moved:
            uow.commit()
        return moved


# -- admins: assigning ----------------------------------------------------------------------------


@attrs.frozen
class AssignmentData:
    student_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()
    deadline: str | None = None  # dd-mm-jjjj, Dutch date; empty: no deadline


@attrs.frozen
class AssignResult:
    added: int
    updated: int


def assignment_choices(query: QuestionnaireQuery, actor: Actor) -> AssignmentChoices:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    return query.assignment_choices()


def assignments(query: QuestionnaireQuery, actor: Actor, questionnaire_id: int) -> Sequence[AssignmentRow]:
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    return query.assignments(questionnaire_id)


def assign(
    uow: UnitOfWork, actor: Actor, clock: Clock, questionnaire_id: int, data: AssignmentData
) -> AssignResult:
    """Assign to students and/or groups, with an optional deadline (the end of that Dutch day).
    Assigning again changes the deadline of the existing assignment."""
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    now = clock.now()
    errors: list[DomainError] = []
    day = check(errors, lambda: parse_deadline(data.deadline, dutch_date(now)))
    student_ids = list(dict.fromkeys(data.student_ids))
    group_ids = list(dict.fromkeys(data.group_ids))
    if not student_ids and not group_ids:
        errors.append(InvalidValue("Kies minstens één student of deelnemergroep.", field="student_ids"))
    if len(student_ids) + len(group_ids) > MAX_ASSIGN:
        errors.append(InvalidValue(f"Kies hoogstens {MAX_ASSIGN} studenten en groepen tegelijk.", field="student_ids"))
    deadline = end_of_day(day) if day is not None else None
    with uow:
        _get(uow, questionnaire_id)
        students = {s.id: s for s in uow.students.list_by_ids(student_ids)}
        missing_students = [i for i in student_ids if i not in students]
        if missing_students:
            errors.append(InvalidValue("Een gekozen student bestaat niet (meer).", field="student_ids"))
        missing_groups = [i for i in group_ids if uow.groups.get(i) is None]
        if missing_groups:
            errors.append(InvalidValue("Een gekozen deelnemergroep bestaat niet (meer).", field="group_ids"))
        raise_collected(errors, QuestionnaireDataInvalid)
        existing = uow.questionnaire_assignments.for_questionnaire(questionnaire_id)
        by_student = {a.student_id: a for a in existing if a.student_id is not None}
        by_group = {a.group_id: a for a in existing if a.group_id is not None}
        added = updated = 0
        for target, known, key in [*((i, by_student, "student_id") for i in student_ids),
                                   *((i, by_group, "group_id") for i in group_ids)]:
            current = known.get(target)
            if current is not None:
                if current.deadline != deadline:
                    current.deadline = deadline
                updated += 1
                continue
            assignment = Assignment(
                questionnaire_id=questionnaire_id, deadline=deadline, assigned_at=now, assigned_by_id=actor.user_id,
                **{key: target},
            )
            uow.questionnaire_assignments.add(assignment)
            added += 1
        uow.commit()
        return AssignResult(added=added, updated=updated)


def unassign(uow: UnitOfWork, actor: Actor, questionnaire_id: int, assignment_id: int) -> None:
    """Take an assignment away; answers already given stay (and stay visible to staff)."""
    require(actor, Permission.EDIT_QUESTIONNAIRES)
    with uow:
        assignment = uow.questionnaire_assignments.get(assignment_id)
        if assignment is None or assignment.questionnaire_id != questionnaire_id:
            raise NotFound("Deze toewijzing bestaat niet (meer).")
        uow.questionnaire_assignments.delete(assignment)
        uow.commit()


# -- students: answering --------------------------------------------------------------------------

STATUS_LABELS = {
    "open": "Open",
    "draft": "Concept opgeslagen",
    "submitted": "Ingestuurd",
    "expired": "Verlopen",
}


@attrs.frozen
class StudentItem:
    id: int
    title: str
    deadline: dt.datetime | None
    status: str  # open, draft, submitted, expired
    submitted_at: dt.datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def may_answer(self) -> bool:
        return self.status in ("open", "draft")


def _status(started: bool, submitted_at: dt.datetime | None, deadline: dt.datetime | None, now: dt.datetime) -> str:
    if submitted_at is not None:
        return "submitted"
    if is_past(deadline, now):
        return "expired"
    return "draft" if started else "open"


def my_questionnaires(query: QuestionnaireQuery, actor: Actor, clock: Clock) -> list[StudentItem]:
    """The questionnaires assigned to the student (directly or through a group)."""
    require(actor, Permission.ANSWER_QUESTIONNAIRES)
    now = clock.now()
    return [
        StudentItem(r.id, r.title, r.deadline, _status(r.started, r.submitted_at, r.deadline, now), r.submitted_at)
        for r in query.of_student(actor.user_id)
    ]


@attrs.frozen
class SheetQuestion:
    id: int
    number: int
    kind: QuestionKind
    text: str
    options: tuple[str, ...]
    value: str  # the saved answer as the form's value: the text, the option index or the scale value
    shown: str  # the saved answer as a person reads it


@attrs.frozen
class AnswerSheet:
    id: int
    title: str
    description: str | None
    deadline: dt.datetime | None
    questions: tuple[SheetQuestion, ...]
    submitted_at: dt.datetime | None
    saved_at: dt.datetime | None
    expired: bool

    @property
    def may_answer(self) -> bool:
        return self.submitted_at is None and not self.expired


@attrs.frozen
class _StudentContext:
    student: Student
    questionnaire: Questionnaire
    deadline: dt.datetime | None


def _assigned(uow: UnitOfWork, actor: Actor, questionnaire_id: int) -> _StudentContext:
    """The student's own assigned questionnaire; 404 for anything else (a questionnaire that is
    not theirs must not even be known to exist)."""
    student = uow.students.get_by_user_id(actor.user_id) if actor.role is Role.STUDENT else None
    if student is None or not is_allowed(actor, Permission.ANSWER_QUESTIONNAIRES, student=student.facts()):
        raise NotFound(NOT_ASSIGNED)
    questionnaire = uow.questionnaires.get(questionnaire_id)
    if questionnaire is None:
        raise NotFound(NOT_ASSIGNED)
    found = uow.questionnaire_assignments.for_student(
        questionnaire_id, saved_id(student.id), [saved_id(g.id) for g in student.groups]
    )
    if not found:
        raise NotFound(NOT_ASSIGNED)
    return _StudentContext(student, questionnaire, effective_deadline(a.deadline for a in found))


def _value(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if question.kind is QuestionKind.CHOICE:
        return "" if answer.choice is None else str(answer.choice)
    if question.kind is QuestionKind.SCALE:
        return "" if answer.scale is None else str(answer.scale)
    return answer.text or ""


def answer_sheet(uow: UnitOfWork, actor: Actor, clock: Clock, questionnaire_id: int) -> AnswerSheet:
    """The questionnaire to answer, with the answers saved so far (or submitted)."""
    with uow:
        context = _assigned(uow, actor, questionnaire_id)
        response = uow.questionnaire_responses.of_student(questionnaire_id, saved_id(context.student.id))
        questions = []
        for number, question in enumerate(context.questionnaire.ordered_questions(), start=1):
            answer = response.answer(saved_id(question.id)) if response else None
            questions.append(SheetQuestion(
                id=saved_id(question.id), number=number, kind=question.kind, text=question.text,
                options=tuple(question.options), value=_value(question, answer), shown=answer_text(question, answer),
            ))
        return AnswerSheet(
            id=questionnaire_id, title=context.questionnaire.title, description=context.questionnaire.description,
            deadline=context.deadline, questions=tuple(questions),
            submitted_at=response.submitted_at if response else None,
            saved_at=response.updated_at if response else None,
            expired=is_past(context.deadline, clock.now()),
        )


def save_answers(
    uow: UnitOfWork, actor: Actor, clock: Clock, questionnaire_id: int, raw: Mapping[int, str | None], *, submit: bool
) -> bool:
    """Save a draft (``submit`` False) or submit, once. Returns True when submitted.

    Refused, with nothing written: AlreadySubmitted, DeadlinePassed, AnswersInvalid (a value
    outside the choices, or on submitting a question left open)."""
    with uow:
        context = _assigned(uow, actor, questionnaire_id)
        questions = context.questionnaire.ordered_questions()
        student_id = saved_id(context.student.id)
        response = uow.questionnaire_responses.of_student(questionnaire_id, student_id)
        now = clock.now()
        fresh = response is None
        if response is None:
            response = QuestionnaireResponse(questionnaire_id=questionnaire_id, student_id=student_id, started_at=now)
        # Submitted already or too late: say that first, whatever the answers are.
        response.ensure_open(now, context.deadline)
        answers = parse_answers(questions, raw)
        response.record(questions, answers, now, context.deadline, submit=submit)
        if fresh:
            if not response.answers and not submit:
                return False  # an empty first draft is not worth a record
            uow.questionnaire_responses.add(response)
        uow.commit()
        return response.is_submitted


# -- staff: the responses ---------------------------------------------------------------------------


@attrs.frozen
class ResponseReport:
    id: int
    title: str
    description: str | None
    questions: tuple[QuestionView, ...]
    summaries: tuple[QuestionSummary, ...]
    responses: tuple[ResponseRow, ...]
    assigned: int

    @property
    def submitted(self) -> int:
        return len(self.responses)


def response_report(uow: UnitOfWork, query: QuestionnaireQuery, actor: Actor, questionnaire_id: int) -> ResponseReport:
    """The submitted responses of the students the actor may see, with a summary per question."""
    _require_staff(actor)
    scope = student_scope(actor)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        rows = tuple(query.responses(questionnaire_id, scope))
        summaries = summarise(questionnaire.ordered_questions(), [(r.student_name, r.answers) for r in rows])
        return ResponseReport(
            id=questionnaire_id, title=questionnaire.title, description=questionnaire.description,
            questions=_views(questionnaire), summaries=tuple(summaries), responses=rows,
            assigned=query.assigned_count(questionnaire_id, scope),
        )


@attrs.frozen
class ResponseItem:
    number: int
    text: str
    answer: str


@attrs.frozen
class ResponseDetail:
    questionnaire_id: int
    title: str
    student_name: str
    student_number: str
    submitted_at: dt.datetime
    items: tuple[ResponseItem, ...]


def response_detail(uow: UnitOfWork, actor: Actor, questionnaire_id: int, response_id: int) -> ResponseDetail:
    """One student's submitted answers, for staff who may see that student (404 otherwise)."""
    _require_staff(actor)
    with uow:
        response = uow.questionnaire_responses.get(response_id)
        if response is None or response.questionnaire_id != questionnaire_id or response.submitted_at is None:
            raise NotFound(RESPONSE_NOT_FOUND)
        student = uow.students.get(response.student_id)
        if student is None:
            raise NotFound(RESPONSE_NOT_FOUND)
        facts = student.facts(uow.attempts.examiner_ids_of_student(saved_id(student.id)))
        if not is_allowed(actor, Permission.VIEW_STUDENT, student=facts):
            raise NotFound(RESPONSE_NOT_FOUND)
        questionnaire = _get(uow, questionnaire_id)
        items = tuple(
            ResponseItem(n, q.text, answer_text(q, response.answer(saved_id(q.id))))
            for n, q in enumerate(questionnaire.ordered_questions(), start=1)
        )
        return ResponseDetail(
            questionnaire_id=questionnaire_id, title=questionnaire.title, student_name=student.full_name,
            student_number=student.student_number, submitted_at=response.submitted_at, items=items,
        )


@attrs.frozen
class ResponseTable:
    """The responses as a table for the spreadsheet export (text cells, not yet neutralised)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def response_table(uow: UnitOfWork, query: QuestionnaireQuery, actor: Actor, questionnaire_id: int) -> ResponseTable:
    """One row per submitted response of a student the actor may see; one column per question."""
    _require_staff(actor)
    with uow:
        questionnaire = _get(uow, questionnaire_id)
        ordered = questionnaire.ordered_questions()
        rows = query.responses(questionnaire_id, student_scope(actor))
        headers = ("Studentnummer", "Naam", "Ingestuurd op", *(f"{n}. {q.text}" for n, q in enumerate(ordered, start=1)))
        table = []
        for row in rows:
            by_question = {a.question_id: a for a in row.answers}
            table.append((
                row.student_number, row.student_name, format_moment(row.submitted_at),
                *(answer_text(q, by_question.get(saved_id(q.id))) for q in ordered),
            ))
        return ResponseTable(title=questionnaire.title, headers=headers, rows=tuple(table))
