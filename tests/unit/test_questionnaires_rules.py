"""The rules of questionnaires (manual 1.2.1): questions and their kinds, the lock once answered,
deadlines on a Dutch clock, answers within their choices, the summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.errors import InvalidValue
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, Permission, StudentFacts, is_allowed
from mijnportfolio.domain.questionnaires import (
    AlreadySubmitted,
    Answer,
    AnswersInvalid,
    DeadlinePassed,
    InvalidDeadline,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireDataInvalid,
    QuestionnaireResponse,
    QuestionsLocked,
    effective_deadline,
    end_of_day,
    is_past,
    mean_of,
    parse_answers,
    parse_deadline,
    summarise,
    validate_question_fields,
)

UTC = dt.timezone.utc
TODAY = dt.date(2026, 9, 1)


def _questions() -> list[Question]:
    return [
        Question(QuestionKind.OPEN, "Wat ging goed?", id=1, position=1),
        Question(QuestionKind.CHOICE, "Begeleiding?", ["Goed", "Matig", "Slecht"], id=2, position=2),
        Question(QuestionKind.SCALE, "Tevredenheid", id=3, position=3),
    ]


def test_a_multiple_choice_question_needs_two_distinct_options_one_per_line():
    assert validate_question_fields("choice", " Hoe? ", "Goed\r\n\r\n Matig \n") == (
        QuestionKind.CHOICE, "Hoe?", ["Goed", "Matig"]
    )
    with pytest.raises(InvalidValue, match="minstens twee"):
        validate_question_fields("choice", "Hoe?", "Goed")
    with pytest.raises(InvalidValue, match="één keer"):
        validate_question_fields("choice", "Hoe?", "Goed\ngoed")


def test_open_and_scale_questions_have_no_options_and_an_unknown_kind_is_refused():
    assert validate_question_fields("scale", "Cijfer?", "genegeerd") == (QuestionKind.SCALE, "Cijfer?", [])
    with pytest.raises(QuestionnaireDataInvalid) as error:
        validate_question_fields("slider", "", None)
    assert set(error.value.by_field) == {"kind", "text"}


def test_an_answered_questionnaire_keeps_its_questions_but_texts_may_be_corrected():
    questionnaire = Questionnaire(title="Evaluatie", questions=_questions())
    choice = questionnaire.question(2)
    questionnaire.change_question(choice, QuestionKind.CHOICE, "Begeleiding", ["Prima", "Matig", "Slecht"], answered=True)
    assert (choice.text, choice.options) == ("Begeleiding", ["Prima", "Matig", "Slecht"])
    with pytest.raises(QuestionsLocked):
        questionnaire.change_question(choice, QuestionKind.CHOICE, "x", ["Goed", "Slecht"], answered=True)
    with pytest.raises(QuestionsLocked):
        questionnaire.change_question(choice, QuestionKind.OPEN, "x", [], answered=True)
    with pytest.raises(QuestionsLocked):
        questionnaire.add_question(Question(QuestionKind.OPEN, "Nieuw"), answered=True)
    with pytest.raises(QuestionsLocked):
        questionnaire.remove_question(choice, answered=True)
    with pytest.raises(QuestionsLocked):
        questionnaire.move_question(choice, -1, answered=True)
    assert [q.id for q in questionnaire.ordered_questions()] == [1, 2, 3]


def test_questions_are_added_at_the_end_moved_and_removed_while_unanswered():
    questionnaire = Questionnaire(title="Evaluatie", questions=_questions())
    new = Question(QuestionKind.OPEN, "Nog iets?", id=4)
    questionnaire.add_question(new, answered=False)
    assert new.position == 4
    assert questionnaire.move_question(new, -1, answered=False)
    assert not questionnaire.move_question(questionnaire.question(1), -1, answered=False)
    assert [q.id for q in questionnaire.ordered_questions()] == [1, 2, 4, 3]
    questionnaire.remove_question(questionnaire.question(2), answered=False)
    assert [(q.id, q.position) for q in questionnaire.ordered_questions()] == [(1, 1), (4, 2), (3, 3)]


def test_a_deadline_is_a_dutch_date_kept_as_the_end_of_that_day_in_utc():
    assert parse_deadline("30-09-2026", TODAY) == dt.date(2026, 9, 30)
    assert parse_deadline("2026-09-30", TODAY) == dt.date(2026, 9, 30)
    assert parse_deadline("  ", TODAY) is None
    # Summer time (UTC+2) and winter time (UTC+1): always 23:59:59 on a Dutch clock.
    assert end_of_day(dt.date(2026, 9, 30)) == dt.datetime(2026, 9, 30, 21, 59, 59, 999999, tzinfo=UTC)
    assert end_of_day(dt.date(2026, 12, 1)) == dt.datetime(2026, 12, 1, 22, 59, 59, 999999, tzinfo=UTC)
    # The night the clocks go back (25 October 2026) still ends at 23:59:59 local time.
    assert end_of_day(dt.date(2026, 10, 25)) == dt.datetime(2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31-02-2027", "morgen", "1-9-26", "31-08-2026"])
def test_a_deadline_that_is_no_date_or_has_passed_is_refused(text):
    with pytest.raises(InvalidDeadline):
        parse_deadline(text, TODAY)


def test_a_questionnaire_is_open_until_the_last_moment_of_the_deadline_day():
    deadline = end_of_day(dt.date(2026, 9, 30))
    assert not is_past(deadline, dt.datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC))  # 23:59:59 in Amsterdam
    assert is_past(deadline, dt.datetime(2026, 9, 30, 22, 0, tzinfo=UTC))  # 00:00 on 1 October
    assert not is_past(None, dt.datetime(2099, 1, 1, tzinfo=UTC))


def test_several_assignments_give_the_most_generous_deadline():
    early, late = end_of_day(dt.date(2026, 9, 10)), end_of_day(dt.date(2026, 9, 30))
    assert effective_deadline([early, late]) == late
    assert effective_deadline([early, None]) is None


def test_answers_outside_the_options_or_the_scale_are_refused_by_their_question():
    with pytest.raises(AnswersInvalid) as error:
        parse_answers(_questions(), {1: "ok", 2: "3", 3: "6"})
    assert set(error.value.by_field) == {"q2", "q3"}
    for crafted in ({2: "-1"}, {2: "Goed"}, {3: "0"}, {3: "3.5"}, {3: "drie"}):
        with pytest.raises(AnswersInvalid):
            parse_answers(_questions(), crafted)


def test_valid_answers_are_parsed_and_empty_ones_stay_empty():
    answers = parse_answers(_questions(), {1: "  Veel\r\ngeleerd ", 2: "1", 3: "5"})
    assert [(a.text, a.choice, a.scale) for a in answers] == [("Veel\ngeleerd", None, None), (None, 1, None), (None, None, 5)]
    assert all(a.is_empty for a in parse_answers(_questions(), {}))


def test_a_response_is_submitted_once_complete_and_never_after_the_deadline():
    now = dt.datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    deadline = end_of_day(dt.date(2026, 9, 30))
    response = QuestionnaireResponse(questionnaire_id=1, student_id=1)
    questions = _questions()
    response.record(questions, parse_answers(questions, {1: "Goed"}), now, deadline, submit=False)
    assert not response.is_submitted and len(response.answers) == 1
    with pytest.raises(AnswersInvalid) as missing:
        response.record(questions, parse_answers(questions, {1: "Goed"}), now, deadline, submit=True)
    assert set(missing.value.by_field) == {"q2", "q3"}
    complete = parse_answers(questions, {1: "Goed", 2: "0", 3: "4"})
    response.record(questions, complete, now, deadline, submit=True)
    assert response.submitted_at == now
    with pytest.raises(AlreadySubmitted):
        response.record(questions, parse_answers(questions, {1: "Anders"}), now, deadline, submit=True)
    assert response.answer(1).text == "Goed"

    late = QuestionnaireResponse(questionnaire_id=1, student_id=2)
    with pytest.raises(DeadlinePassed, match="30-09-2026"):
        late.record(questions, complete, dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC), deadline, submit=False)


def test_a_draft_replaces_changed_answers_and_drops_emptied_ones():
    now = dt.datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    questions = _questions()
    response = QuestionnaireResponse(questionnaire_id=1, student_id=1)
    response.record(questions, parse_answers(questions, {1: "Eerst", 3: "2"}), now, None, submit=False)
    response.record(questions, parse_answers(questions, {1: "Daarna", 3: ""}), now, None, submit=False)
    assert [(a.question_id, a.text, a.scale) for a in response.answers] == [(1, "Daarna", None)]


def test_the_summary_counts_per_option_and_scale_value_and_lists_open_answers():
    questions = _questions()
    responses = [
        ("Ann", [Answer(1, text="Fijn"), Answer(2, choice=0), Answer(3, scale=4)]),
        ("Bob", [Answer(2, choice=0), Answer(3, scale=5)]),
        ("Cem", [Answer(1, text="Leerzaam"), Answer(2, choice=2), Answer(3, scale=4)]),
    ]
    open_, choice, scale = summarise(questions, responses)
    assert open_.texts == (("Ann", "Fijn"), ("Cem", "Leerzaam")) and open_.answered == 2
    assert [(c.label, c.count) for c in choice.counts] == [("Goed", 2), ("Matig", 0), ("Slecht", 1)]
    assert [(c.label, c.count) for c in scale.counts] == [("1", 0), ("2", 0), ("3", 0), ("4", 2), ("5", 1)]
    assert scale.mean == Decimal("4.3")  # 13/3 = 4.333...


@pytest.mark.parametrize("values, mean", [([1, 2], "1.5"), ([2, 3, 3], "2.7"), ([4, 4, 5, 5, 5, 5, 5, 5], "4.8"), ([3], "3.0")])
def test_the_mean_is_exact_and_rounded_half_up_to_one_decimal(values, mean):
    assert mean_of(values) == Decimal(mean)


def test_the_mean_of_nothing_is_none():
    assert mean_of([]) is None


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=200))
def test_the_mean_stays_within_the_scale_and_ignores_the_order(values):
    mean = mean_of(values)
    assert Decimal(1) <= mean <= Decimal(5)
    assert mean_of(list(reversed(values))) == mean


def test_students_answer_their_own_questionnaires_and_staff_read_their_linked_students_responses():
    facts = StudentFacts(organisation_id=1, user_id=50, supervisor_id=10, trainer_id=11, examiner_ids=frozenset({12}))
    me, other = Actor(50, Role.STUDENT, 1), Actor(51, Role.STUDENT, 1)
    assert is_allowed(me, Permission.ANSWER_QUESTIONNAIRES, student=facts)
    assert not is_allowed(other, Permission.ANSWER_QUESTIONNAIRES, student=facts)
    assert not is_allowed(Actor(10, Role.SUPERVISOR, 1), Permission.ANSWER_QUESTIONNAIRES)
    for user_id, role in ((10, Role.SUPERVISOR), (11, Role.TRAINER), (12, Role.EXAMINER)):
        assert is_allowed(Actor(user_id, role, 1), Permission.VIEW_QUESTIONNAIRE_RESPONSES, student=facts)
        assert not is_allowed(Actor(user_id, role, 2), Permission.VIEW_QUESTIONNAIRE_RESPONSES, student=facts)
        assert not is_allowed(Actor(99, role, 1), Permission.VIEW_QUESTIONNAIRE_RESPONSES, student=facts)
    assert not is_allowed(me, Permission.VIEW_QUESTIONNAIRE_RESPONSES)
    assert is_allowed(Actor(1, Role.ADMIN), Permission.VIEW_QUESTIONNAIRE_RESPONSES, student=facts)
    assert is_allowed(Actor(1, Role.ADMIN), Permission.EDIT_QUESTIONNAIRES)
    assert not is_allowed(Actor(10, Role.SUPERVISOR, 1), Permission.EDIT_QUESTIONNAIRES)
