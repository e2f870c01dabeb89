"""The values of an assessment: scores 1-5, descriptors, the pass mark and the justification rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.errors import InvalidValue
from mijnportfolio.domain.scores import (
    DEFAULT_JUSTIFICATION_RULE,
    SCORES,
    Descriptors,
    InvalidScore,
    JustificationRule,
    PassMark,
    Score,
)


@pytest.mark.parametrize("raw, value", [(1, 1), ("3", 3), (" 5 ", 5), (Score(2), 2)])
def test_a_score_is_read_from_a_form_or_a_file(raw, value):
    assert Score.parse(raw) == Score(value)


@pytest.mark.parametrize("raw", [0, 6, "0", "6", 2.5, "2.5", "2,5", "drie", "", None, True, False, -1, "1e0"])
def test_anything_but_a_whole_number_from_1_to_5_is_not_a_score(raw):
    with pytest.raises(InvalidScore) as info:
        Score.parse(raw)
    assert "score" in info.value.message.lower()


@given(st.integers())
def test_a_score_exists_exactly_for_1_to_5(number):
    if 1 <= number <= 5:
        assert int(Score(number)) == number
    else:
        with pytest.raises(InvalidScore):
            Score(number)


def test_scores_are_ordered_and_there_are_five():
    assert [s.value for s in SCORES] == [1, 2, 3, 4, 5]
    assert sorted([Score(4), Score(1), Score(3)]) == [Score(1), Score(3), Score(4)]


def test_the_default_rule_asks_a_justification_for_1_2_and_5_only():
    assert [s.value for s in SCORES if DEFAULT_JUSTIFICATION_RULE.requires(s)] == [1, 2, 5]


@given(st.sets(st.integers(1, 5)))
def test_a_justification_rule_survives_its_stored_text(values):
    rule = JustificationRule.parse(sorted(values))
    assert JustificationRule.from_text(rule.to_text()) == rule
    assert rule.values == tuple(sorted(values))


@pytest.mark.parametrize("values, message", [([6], "Score 6 bestaat niet"), (["x"], "'x' is geen score"), ("125", "lijst")])
def test_a_justification_rule_names_what_is_wrong(values, message):
    with pytest.raises(InvalidValue, match=message):
        JustificationRule.parse(values)


def test_descriptors_accept_number_and_text_keys_and_drop_empty_texts():
    descriptors = Descriptors.parse({1: " Onvoldoende ", "5": "Uitstekend", 3: "  "})
    assert descriptors.to_json() == {"1": "Onvoldoende", "5": "Uitstekend"}
    assert descriptors[Score(5)] == "Uitstekend" and Score(3) not in descriptors
    assert Descriptors.parse(descriptors.to_json()) == descriptors
    assert descriptors.by_number() == {1: "Onvoldoende", 5: "Uitstekend"}


@pytest.mark.parametrize("key", [0, 6, "6", "1.0", True, "een"])
def test_a_descriptor_for_something_that_is_not_a_score_is_refused(key):
    with pytest.raises(InvalidValue, match="niet toegestaan"):
        Descriptors.parse({key: "tekst"})


@pytest.mark.parametrize("raw", ["5,5", "5.5", 5.5, Decimal("5.5"), " 5,5 "])
def test_a_pass_mark_is_written_with_a_comma_or_a_point(raw):
    mark = PassMark.parse(raw)
    assert mark.value == Decimal("5.5") and mark.dutch == "5,5" and str(mark) == "5.5"


@pytest.mark.parametrize("raw", ["0,9", "10,1", "5,55", "zes", "", None, True, "NaN", "Infinity"])
def test_a_pass_mark_outside_1_to_10_or_with_two_decimals_is_refused(raw):
    with pytest.raises(InvalidValue, match="cesuur"):
        PassMark.parse(raw)
