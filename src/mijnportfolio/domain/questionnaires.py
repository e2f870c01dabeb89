"""Questionnaires (vragenlijsten, manual 1.2.1): admins make them, students answer them.

A questionnaire has ordered questions of three kinds: an open question, a multiple-choice
question with one answer, and a 1-5 scale. Admins assign it to students and participant
groups, optionally with a deadline (a Dutch date: the questionnaire stays open until the end
of that day, Europe/Amsterdam). A student saves drafts and submits once.

Once anyone has answered (a draft counts: its answers point at the questions), the questions
themselves stay as they are: no question is added, removed, moved or changes its kind or its
number of options. Texts may still be corrected.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

from .errors import DomainError, FieldsInvalid, InvalidValue, check, raise_collected
from .values import optional_text, required_text

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5_000
QUESTION_MAX_LENGTH = 1_000
OPTION_MAX_LENGTH = 200
MAX_OPTIONS = 20
MAX_QUESTIONS = 100
ANSWER_MAX_LENGTH = 5_000
SCALE = (1, 2, 3, 4, 5)


class QuestionKind(str, enum.Enum):
    OPEN = "open"
    CHOICE = "choice"  # one answer out of the options (single choice)
    SCALE = "scale"  # 1 to 5

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    QuestionKind.OPEN: "Open vraag",
    QuestionKind.CHOICE: "Meerkeuzevraag (één antwoord)",
    QuestionKind.SCALE: "Schaal van 1 tot en met 5",
}


@attrs.define(slots=False, eq=False)
class Question:
    kind: QuestionKind
    text: str
    options: list[str] = attrs.field(factory=list)  # the choices of a CHOICE question, in order
    position: int = 0
    questionnaire_id: int | None = None
    id: int | None = None


class QuestionsLocked(DomainError):
    """A questionnaire that has been answered keeps its questions (texts may be corrected)."""

    default_message = (
        "Deze vragenlijst is al (gedeeltelijk) ingevuld. Vragen toevoegen, verwijderen, verplaatsen, "
        "van soort veranderen of antwoordmogelijkheden toevoegen of weghalen kan daarom niet meer. "
        "Teksten verbeteren mag wel."
    )


class QuestionnaireDataInvalid(FieldsInvalid):
    """Several fields of a questionnaire or question are wrong at once; nothing was stored."""


class TooManyQuestions(DomainError):
    default_message = f"Een vragenlijst heeft hoogstens {MAX_QUESTIONS} vragen."


@attrs.define(slots=False, eq=False)
class Questionnaire:
    title: str
    description: str | None = None
    questions: list[Question] = attrs.field(factory=list)
    created_at: dt.datetime | None = None
    created_by_id: int | None = None
    id: int | None = None
    version: int = 1

    def ordered_questions(self) -> list[Question]:
        return sorted(self.questions, key=lambda q: (q.position, q.id or 0))

    def question(self, question_id: int) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def add_question(self, question: Question, *, answered: bool) -> None:
        if answered:
            raise QuestionsLocked()
        if len(self.questions) >= MAX_QUESTIONS:
            raise TooManyQuestions()
        question.position = max((q.position for q in self.questions), default=0) + 1
        self.questions.append(question)

    def change_question(
        self, question: Question, kind: QuestionKind, text: str, options: list[str], *, answered: bool
    ) -> None:
        """New texts are always fine; a new kind or another number of options only while unanswered."""
        if answered and (kind is not question.kind or len(options) != len(question.options)):
            raise QuestionsLocked()
        question.kind = kind
        question.text = text
        question.options = list(options)  # a new list: the JSON column notices the change

    def remove_question(self, question: Question, *, answered: bool) -> None:
        if answered:
            raise QuestionsLocked()
        self.questions.remove(question)
        self._renumber(self.ordered_questions())

    def move_question(self, question: Question, offset: int, *, answered: bool) -> bool:
        """One place up (-1) or down (+1); False at that end of the list (nothing changes)."""
        if offset not in (-1, 1):
            raise ValueError("offset must be -1 or 1")
        if answered:
            raise QuestionsLocked()
        ordered = self.ordered_questions()
        index = ordered.index(question)
        target = index + offset
        if not 0 <= target < len(ordered):
            return False
        ordered[index], ordered[target] = ordered[target], ordered[index]
        self._renumber(ordered)
        return True

    @staticmethod
    def _renumber(ordered: Sequence[Question]) -> None:
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position


def validate_questionnaire_fields(title: str | None, description: str | None) -> tuple[str, str | None]:
    errors: list[DomainError] = []
    clean_title = check(errors, lambda: required_text(title, "Titel", field="title", max_length=TITLE_MAX_LENGTH))
    clean_description = check(
        errors,
        lambda: optional_text(
            _lines(description), max_length=DESCRIPTION_MAX_LENGTH, label="Omschrijving", field="description"
        ),
    )
    raise_collected(errors, QuestionnaireDataInvalid)
    return clean_title or "", clean_description


def parse_kind(value: str | None) -> QuestionKind:
    try:
        return QuestionKind(value or "")
    except ValueError:
        raise InvalidValue("Kies de soort vraag.", field="kind") from None


def validate_question_fields(
    kind: str | None, text: str | None, options_text: str | None
) -> tuple[QuestionKind, str, list[str]]:
    """The kind, the question and, for a multiple-choice question, 2 to 20 distinct options
    (one per line); other kinds have no options."""
    errors: list[DomainError] = []
    clean_kind = check(errors, lambda: parse_kind(kind))
    clean_text = check(
        errors, lambda: required_text(_lines(text), "Vraag", field="text", max_length=QUESTION_MAX_LENGTH)
    )
    options: list[str] = []
    if clean_kind is QuestionKind.CHOICE:
        options = [line.strip() for line in _lines(options_text).split("\n") if line.strip()]
        check(errors, lambda: _check_options(options))
    raise_collected(errors, QuestionnaireDataInvalid)
    assert clean_kind is not None and clean_text is not None  # raise_collected raised otherwise
    return clean_kind, clean_text, options


def _check_options(options: list[str]) -> None:
    if len(options) < 2:
        raise InvalidValue("Een meerkeuzevraag heeft minstens twee antwoordmogelijkheden (één per regel).", field="options")
    if len(options) > MAX_OPTIONS:
        raise InvalidValue(f"Een meerkeuzevraag heeft hoogstens {MAX_OPTIONS} antwoordmogelijkheden.", field="options")
    too_long = [o for o in options if len(o) > OPTION_MAX_LENGTH]
    if too_long:
        raise InvalidValue(
            f"Een antwoordmogelijkheid mag hoogstens {OPTION_MAX_LENGTH} tekens lang zijn.", field="options"
        )
    folded = [o.casefold() for o in options]
    if len(set(folded)) != len(folded):
        raise InvalidValue("Elke antwoordmogelijkheid mag maar één keer voorkomen.", field="options")


def _lines(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


# -- assignments and deadlines ------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class Assignment:
    """A questionnaire for one student or for every student of a participant group (members
    at any moment: a student who joins the group later gets it too)."""

    questionnaire_id: int
    student_id: int | None = None
    group_id: int | None = None
    deadline: dt.datetime | None = None  # aware UTC: the end of the Dutch day chosen
    assigned_at: dt.datetime | None = None
    assigned_by_id: int | None = None
    id: int | None = None


class InvalidDeadline(InvalidValue):
    """A deadline is a Dutch date dd-mm-jjjj that has not passed yet."""

    default_message = "Vul de deadline in als dd-mm-jjjj, bijvoorbeeld 30-09-2026."


_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_deadline(text: str | None, today: dt.date) -> dt.date | None:
    """dd-mm-jjjj (also with / or .) or jjjj-mm-dd; empty means no deadline. A day before
    ``today`` (Dutch date) is refused: nobody could answer any more."""
    value = (text or "").strip()
    if not value:
        return None
    match = _DATE.match(value) or _ISO_DATE.match(value)
    if not match:
        raise InvalidDeadline(f"De deadline '{value[:40]}' is geen datum; gebruik dd-mm-jjjj.", field="deadline")
    numbers = [int(g) for g in match.groups()]
    day, month, year = numbers if match.re is _DATE else (numbers[2], numbers[1], numbers[0])
    try:
        chosen = dt.date(year, month, day)
    except ValueError:
        raise InvalidDeadline(f"De deadline '{value}' bestaat niet.", field="deadline") from None
    if chosen < today:
        raise InvalidDeadline("De deadline ligt in het verleden; kies vandaag of een latere dag.", field="deadline")
    return chosen


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` on a Dutch clock, in UTC (23:59:59 exists on every day, also
    when the clocks change that night)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=AMSTERDAM).astimezone(UTC)


def dutch_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(AMSTERDAM).date()


def format_deadline(moment: dt.datetime | None) -> str:
    return "" if moment is None else f"{dutch_date(moment):%d-%m-%Y}"


def format_moment(moment: dt.datetime) -> str:
    """dd-mm-jjjj uu:mm on a Dutch clock."""
    return f"{moment.astimezone(AMSTERDAM):%d-%m-%Y %H:%M}"


def effective_deadline(deadlines: Iterable[dt.datetime | None]) -> dt.datetime | None:
    """A student who has a questionnaire through several assignments (their own and a group's)
    gets the most generous one: no deadline when one of them has none, else the latest."""
    values = list(deadlines)
    if not values or any(d is None for d in values):
        return None
    return max(d for d in values if d is not None)


def is_past(deadline: dt.datetime | None, now: dt.datetime) -> bool:
    return deadline is not None and now > deadline


# -- responses ----------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False)
class Answer:
    """One answer: ``text`` for an open question, ``choice`` (the option's index, from 0) for a
    multiple-choice question, ``scale`` (1-5) for a scale."""

    question_id: int
    text: str | None = None
    choice: int | None = None
    scale: int | None = None
    response_id: int | None = None
    id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text and self.choice is None and self.scale is None


class AlreadySubmitted(DomainError):
    """A questionnaire is submitted once; what was submitted stays as it is."""

    default_message = "Je hebt deze vragenlijst al ingestuurd. Insturen kan maar één keer; je antwoorden blijven zoals ze waren."


class DeadlinePassed(DomainError):
    """After the deadline nothing is saved or submitted any more."""

    default_message = "De deadline van deze vragenlijst is verstreken: je kunt niets meer opslaan of insturen."


class AnswersInvalid(FieldsInvalid):
    """Answers that are not allowed (an option that does not exist, a value outside 1-5) or,
    on submitting, missing; nothing was stored."""

    default_message = "Je antwoorden zijn niet opgeslagen: verbeter de gemarkeerde vragen."


def answer_field(question_id: int) -> str:
    return f"q{question_id}"


def parse_answers(questions: Sequence[Question], raw: Mapping[int, str | None]) -> list[Answer]:
    """The posted values (by question id) as answers; every value outside its question's
    choices is refused (a crafted form), all problems at once."""
    errors: list[DomainError] = []
    answers: list[Answer] = []
    for number, question in enumerate(questions, start=1):
        if question.id is None:
            continue
        value = (raw.get(question.id) or "").strip()
        field = answer_field(question.id)
        if question.kind is QuestionKind.OPEN:
            text = _lines(raw.get(question.id)).strip()
            if len(text) > ANSWER_MAX_LENGTH:
                errors.append(InvalidValue(
                    f"Het antwoord op vraag {number} mag hoogstens {ANSWER_MAX_LENGTH} tekens lang zijn.", field=field
                ))
                continue
            answers.append(Answer(question_id=question.id, text=text or None))
        elif question.kind is QuestionKind.CHOICE:
            if not value:
                answers.append(Answer(question_id=question.id))
                continue
            index = _int(value)
            if index is None or not 0 <= index < len(question.options):
                errors.append(InvalidValue(f"Kies bij vraag {number} een van de antwoordmogelijkheden.", field=field))
                continue
            answers.append(Answer(question_id=question.id, choice=index))
        else:
            if not value:
                answers.append(Answer(question_id=question.id))
                continue
            scale = _int(value)
            if scale not in SCALE:
                errors.append(InvalidValue(f"Kies bij vraag {number} een waarde van 1 tot en met 5.", field=field))
                continue
            answers.append(Answer(question_id=question.id, scale=scale))
    if errors:
        # Even a single wrong answer comes as AnswersInvalid: the page shows it by its question.
        raise AnswersInvalid(errors)
    return answers


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def missing_answers(questions: Sequence[Question], answers: Sequence[Answer]) -> list[DomainError]:
    """Every question needs an answer before the questionnaire is submitted."""
    given = {a.question_id for a in answers if not a.is_empty}
    return [
        InvalidValue(f"Vraag {number} is nog niet beantwoord.", field=answer_field(q.id))
        for number, q in enumerate(questions, start=1)
        if q.id is not None and q.id not in given
    ]


@attrs.define(slots=False, eq=False)
class QuestionnaireResponse:
    """One student's answers to one questionnaire: a draft until ``submitted_at``."""

    questionnaire_id: int
    student_id: int
    answers: list[Answer] = attrs.field(factory=list)
    started_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    id: int | None = None
    version: int = 1

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def answer(self, question_id: int) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)

    def ensure_open(self, now: dt.datetime, deadline: dt.datetime | None) -> None:
        """Refuse when submitted already or after the deadline (nothing may change then)."""
        if self.is_submitted:
            raise AlreadySubmitted()
        if is_past(deadline, now):
            raise DeadlinePassed(
                f"De deadline van deze vragenlijst ({format_deadline(deadline)}) is verstreken: je kunt niets "
                "meer opslaan of insturen."
            )

    def record(
        self,
        questions: Sequence[Question],
        answers: Sequence[Answer],
        now: dt.datetime,
        deadline: dt.datetime | None,
        *,
        submit: bool,
    ) -> None:
        """Keep ``answers`` (a draft), or submit them once, complete, before the deadline."""
        self.ensure_open(now, deadline)
        if submit:
            missing = missing_answers(questions, answers)
            if missing:
                raise AnswersInvalid(missing)
        by_question = {a.question_id: a for a in answers}
        for existing in list(self.answers):
            new = by_question.pop(existing.question_id, None)
            if new is None or new.is_empty:
                self.answers.remove(existing)
            else:
                existing.text, existing.choice, existing.scale = new.text, new.choice, new.scale
        self.answers.extend(a for a in by_question.values() if not a.is_empty)
        self.updated_at = now
        if submit:
            self.submitted_at = now


# -- the summary of the responses ---------------------------------------------------------------


@attrs.frozen
class Count:
    label: str
    count: int


@attrs.frozen
class QuestionSummary:
    """What the submitted responses say about one question: counts per option or per scale
    value, the mean of a scale (exact, rounded half-up to one decimal), or the open answers."""

    question_id: int
    number: int
    kind: QuestionKind
    text: str
    answered: int
    counts: tuple[Count, ...] = ()
    mean: Decimal | None = None
    texts: tuple[tuple[str, str], ...] = ()  # (who, answer) of an open question


def mean_of(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    exact = Fraction(sum(values), len(values))
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summarise(
    questions: Sequence[Question], responses: Sequence[tuple[str, Sequence[Answer]]]
) -> list[QuestionSummary]:
    """The summary per question of ``responses`` ((student name, answers) of submitted ones)."""
    summaries = []
    for number, question in enumerate(questions, start=1):
        mine = [(who, a) for who, answers in responses for a in answers if a.question_id == question.id]
        if question.kind is QuestionKind.OPEN:
            texts = tuple((who, a.text) for who, a in mine if a.text)
            summaries.append(QuestionSummary(question.id or 0, number, question.kind, question.text, len(texts), texts=texts))
        elif question.kind is QuestionKind.CHOICE:
            choices = [a.choice for _, a in mine if a.choice is not None and 0 <= a.choice < len(question.options)]
            counts = tuple(Count(option, choices.count(i)) for i, option in enumerate(question.options))
            summaries.append(QuestionSummary(question.id or 0, number, question.kind, question.text, len(choices), counts=counts))
        else:
            scale_values = [a.scale for _, a in mine if a.scale is not None and a.scale in SCALE]
            counts = tuple(Count(str(v), scale_values.count(v)) for v in SCALE)
            summaries.append(QuestionSummary(
                question.id or 0, number, question.kind, question.text, len(scale_values), counts=counts,
                mean=mean_of(scale_values),
            ))
    return summaries


def answer_text(question: Question, answer: Answer | None) -> str:
    """An answer as a person reads it (the option's text, the scale value, the open text)."""
    if answer is None:
        return ""
    if question.kind is QuestionKind.CHOICE:
        if answer.choice is not None and 0 <= answer.choice < len(question.options):
            return question.options[answer.choice]
        return ""
    if question.kind is QuestionKind.SCALE:
        return str(answer.scale) if answer.scale is not None else ""
    return answer.text or ""
