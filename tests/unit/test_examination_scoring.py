"""The scoring rule of product.md 3.4: the worked examples, and the properties that must hold."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.examination.scoring import (
    CriterionRef,
    ScoringRule,
    exact_grade,
    grade,
    outcome,
)
from mijnportfolio.domain.scores import PassMark, Score


def refs(count: int, knock_out: set[int] = frozenset(), core_task: str = "B1-K1", start: int = 1) -> list[CriterionRef]:
    return [
        CriterionRef(id=start + i, text=f"Criterium {start + i}", core_task=core_task, work_process=f"{core_task}-W{1 + i % 2}",
                     knock_out=(start + i) in knock_out)
        for i in range(count)
    ]


def scored(values: list[int], start: int = 1) -> dict[int, Score]:
    return {start + i: Score(v) for i, v in enumerate(values)}


@pytest.mark.parametrize(
    "values, exact, shown, passed",
    [
        ([3, 3, 3], Fraction(11, 2), "5.5", True),
        ([1, 1, 1], Fraction(1), "1.0", False),
        ([5, 5, 5], Fraction(10), "10.0", True),
        ([3, 3, 2], Fraction(19, 4), "4.8", False),
        ([4, 4, 3], Fraction(7), "7.0", True),
        ([2, 3, 3, 4], Fraction(11, 2), "5.5", True),
        ([4, 3, 3, 3], Fraction(97, 16), "6.1", True),
        ([2, 2, 5, 5], Fraction(53, 8), "6.6", True),
    ],
)
def test_the_worked_examples_of_the_specification(values, exact, shown, passed):
    assert exact_grade([Score(v) for v in values]) == exact
    result = outcome(refs(len(values)), scored(values), ScoringRule())
    [core_task] = result.core_tasks
    assert core_task.grade == Decimal(shown) and core_task.passed is passed and result.passed is passed


def test_a_1_on_a_knock_out_criterion_fails_the_core_task_despite_a_7_8():
    result = outcome(refs(4, knock_out={4}), scored([5, 5, 5, 1]), ScoringRule())
    [core_task] = result.core_tasks
    assert exact_grade([Score(v) for v in (5, 5, 5, 1)]) == Fraction(31, 4)
    assert core_task.grade == Decimal("7.8") and core_task.passed is False and result.passed is False
    assert "knock-outcriterium 'Criterium 4'" in result.explanation and "kreeg 1, minimaal 3" in result.explanation


def test_45_criteria_summing_to_134_pass_on_the_rounded_grade():
    values = [3] * 44 + [2]  # 132 + 2 = 134
    assert sum(values) == 134
    assert exact_grade([Score(v) for v in values]) == Fraction(109, 20)  # 5.45
    result = outcome(refs(45), scored(values), ScoringRule())
    assert result.core_tasks[0].grade == Decimal("5.5") and result.passed is True


def test_every_core_task_must_pass_and_the_failing_one_is_named_with_its_rule():
    criteria = refs(3, core_task="B1-K1") + refs(3, core_task="B1-K2", start=10)
    result = outcome(criteria, {**scored([4, 4, 4]), **scored([3, 3, 2], start=10)}, ScoringRule())
    assert [c.passed for c in result.core_tasks] == [True, False] and result.passed is False
    assert result.explanation == "Niet behaald. Kerntaak B1-K2 niet behaald: het cijfer 4,8 is lager dan de cesuur 5,5."
    assert result.label == "Niet behaald"


def test_a_minimum_per_work_process_is_part_of_the_rule():
    rule = ScoringRule(work_process_minimum=PassMark.parse("5,5"))
    criteria = [CriterionRef(1, "a", "K1", "W1"), CriterionRef(2, "b", "K1", "W1"), CriterionRef(3, "c", "K1", "W2"),
                CriterionRef(4, "d", "K1", "W2")]
    result = outcome(criteria, {1: Score(5), 2: Score(5), 3: Score(2), 4: Score(3)}, rule)
    assert result.core_tasks[0].grade == Decimal("7.2") and result.passed is False
    assert "werkproces W2 heeft het cijfer 4,4, lager dan het minimum 5,5" in result.explanation
    assert outcome(criteria, {1: Score(5), 2: Score(5), 3: Score(2), 4: Score(3)}, ScoringRule()).passed is True


def test_a_missing_score_gives_a_provisional_outcome():
    result = outcome(refs(3), {1: Score(4), 2: Score(4)}, ScoringRule())
    assert result.complete is False and result.passed is None and result.core_tasks[0].grade is None
    assert result.explanation == "Nog niet compleet: 1 criterium zonder score."


def test_a_higher_pass_mark_is_taken_from_the_exam():
    assert outcome(refs(3), scored([4, 4, 3]), ScoringRule(pass_mark=PassMark.parse("7,5"))).passed is False


score_lists = st.lists(st.integers(1, 5), min_size=1, max_size=60)


@given(score_lists)
def test_grades_stay_within_1_and_10(values):
    assert Decimal("1.0") <= grade([Score(v) for v in values]) <= Decimal("10.0")


@given(score_lists, st.data())
def test_raising_any_score_never_lowers_a_grade(values, data):
    index = data.draw(st.integers(0, len(values) - 1))
    raised = list(values)
    raised[index] = data.draw(st.integers(values[index], 5))
    assert grade([Score(v) for v in raised]) >= grade([Score(v) for v in values])


@given(score_lists, st.randoms())
def test_the_order_of_criteria_does_not_matter(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    assert grade([Score(v) for v in shuffled]) == grade([Score(v) for v in values])
    forward = outcome(refs(len(values)), scored(values), ScoringRule())
    backward = outcome(list(reversed(refs(len(values)))), scored(values), ScoringRule())
    assert forward == backward


@given(st.integers(1, 60))
def test_all_threes_give_exactly_5_5(count):
    assert grade([Score(3)] * count) == Decimal("5.5")


@given(score_lists, st.data())
def test_raising_a_score_never_turns_a_pass_into_a_fail(values, data):
    knock_outs = set(data.draw(st.sets(st.integers(1, len(values)))))
    criteria = refs(len(values), knock_out=knock_outs)
    index = data.draw(st.integers(0, len(values) - 1))
    raised = list(values)
    raised[index] = data.draw(st.integers(values[index], 5))
    before = outcome(criteria, scored(values), ScoringRule()).passed
    after = outcome(criteria, scored(raised), ScoringRule()).passed
    assert not (before and not after)
