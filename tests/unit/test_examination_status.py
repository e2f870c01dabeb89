"""The status of an overview cell (product.md 3.3) as one pure function of the facts and the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.examination.planning import Attempt, PartPlanning
from mijnportfolio.domain.examination.status import (
    STATUS_ORDER,
    AttemptFacts,
    CellStatus,
    cell_attempt_number,
    cell_status,
)

NOW = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


def facts(part_count=2, planned=0, final=0, start=None, passed=None, number=1) -> AttemptFacts:
    return AttemptFacts(
        number=number, part_count=part_count, planned_count=planned, final_count=final, first_start=start, passed=passed
    )


@pytest.mark.parametrize(
    "given_facts, expected",
    [
        (None, CellStatus.NOT_PLANNED),
        (facts(planned=0), CellStatus.NOT_PLANNED),
        (facts(planned=1, start=NOW + HOUR), CellStatus.PARTIALLY_PLANNED),
        (facts(planned=1, start=NOW - HOUR), CellStatus.PARTIALLY_PLANNED_STARTED),
        (facts(planned=1, start=NOW), CellStatus.PARTIALLY_PLANNED_STARTED),  # at the start time it has started
        (facts(planned=2, start=NOW + HOUR), CellStatus.PLANNED),
        (facts(planned=2, start=NOW - HOUR), CellStatus.STARTED),
        (facts(planned=2, final=1, start=NOW - HOUR), CellStatus.STARTED),
        (facts(planned=2, final=2, start=NOW - HOUR, passed=True), CellStatus.PASSED),
        (facts(planned=2, final=2, start=NOW - HOUR, passed=False), CellStatus.FAILED),
        (facts(part_count=1, planned=1, start=NOW + HOUR), CellStatus.PLANNED),  # one part: never striped
    ],
)
def test_every_status_of_the_manual(given_facts, expected):
    assert cell_status(given_facts, NOW) is expected


def test_the_codes_and_the_legend_order_are_the_stable_ones():
    assert [s.value for s in STATUS_ORDER] == [
        "not_planned", "partially_planned", "partially_planned_started", "planned", "started", "passed", "failed",
    ]
    assert all(s.label and s.description for s in STATUS_ORDER)


def test_a_cell_without_an_attempt_shows_attempt_0_and_a_retake_its_own_number():
    assert cell_attempt_number(None) == 0
    assert cell_attempt_number(facts(number=2)) == 2


moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(dt.timezone.utc)
)


@st.composite
def any_facts(draw):
    part_count = draw(st.integers(1, 6))
    planned = draw(st.integers(0, part_count))
    final = draw(st.integers(0, planned))
    start = draw(moments) if planned else None
    passed = draw(st.sampled_from([True, False])) if final == part_count else draw(st.sampled_from([None, True, False]))
    return facts(part_count=part_count, planned=planned, final=final, start=start, passed=passed, number=draw(st.integers(1, 5)))


@given(st.one_of(st.none(), any_facts()), moments)
def test_the_status_is_total_every_combination_gives_exactly_one_code(given_facts, now):
    assert cell_status(given_facts, now) in set(CellStatus)


NOT_STARTED = {CellStatus.NOT_PLANNED, CellStatus.PARTIALLY_PLANNED, CellStatus.PLANNED}


@given(any_facts(), moments, st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=800)))
def test_moving_the_clock_forward_never_turns_a_started_cell_back(given_facts, now, later):
    before, after = cell_status(given_facts, now), cell_status(given_facts, now + later)
    if before not in NOT_STARTED:
        assert after not in NOT_STARTED
    if before in (CellStatus.PASSED, CellStatus.FAILED):
        assert after is before


def _attempt(*plannings: PartPlanning, passed=None) -> Attempt:
    return Attempt(student_id=1, exam_id=1, number=1, created_at=NOW, plannings=list(plannings), result_passed=passed)


def _planned(part_id: int, start: dt.datetime, final: bool = False) -> PartPlanning:
    return PartPlanning(part_id=part_id, starts_at=start, ends_at=start + HOUR, examiner1_id=9,
                        finalized_at=start if final else None)


def test_an_attempt_gives_its_facts_for_the_exam_parts():
    attempt = _attempt(_planned(11, NOW + HOUR), _planned(12, NOW + 2 * HOUR))
    assert cell_status(attempt.facts([11, 12]), NOW) is CellStatus.PLANNED
    assert cell_status(attempt.facts([11, 12, 13]), NOW) is CellStatus.PARTIALLY_PLANNED
    assert cell_status(attempt.facts([11, 12]), NOW + HOUR) is CellStatus.STARTED
    done = _attempt(_planned(11, NOW - HOUR, final=True), _planned(12, NOW - HOUR, final=True), passed=False)
    assert done.is_complete([11, 12]) and cell_status(done.facts([11, 12]), NOW) is CellStatus.FAILED
