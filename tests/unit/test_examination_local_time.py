"""Dutch local time as planners type it, stored as UTC, correct across the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.examination.local_time import (
    InvalidDateTime,
    format_date,
    format_moment,
    format_range,
    parse_date,
    parse_local,
    parse_moment,
    parse_time,
)

UTC = dt.timezone.utc


def test_a_winter_and_a_summer_morning_are_both_nine_oclock_on_the_dutch_clock():
    winter = parse_local("15-01-2027", "09:00", "Begin")
    summer = parse_local("15-07-2027", "09:00", "Begin")
    assert winter == dt.datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert summer == dt.datetime(2027, 7, 15, 7, 0, tzinfo=UTC)
    assert format_moment(winter) == "15-01-2027 09:00" and format_moment(summer) == "15-07-2027 09:00"


def test_the_monday_after_the_clocks_change_is_still_at_nine():
    # The clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
    before = parse_local("26-03-2027", "09:00", "Begin")
    after = parse_local("29-03-2027", "09:00", "Begin")
    assert after - before == dt.timedelta(days=3) - dt.timedelta(hours=1)
    assert format_moment(after) == "29-03-2027 09:00"
    autumn = parse_local("01-11-2027", "09:00", "Begin")
    assert autumn == dt.datetime(2027, 11, 1, 8, 0, tzinfo=UTC) and format_moment(autumn) == "01-11-2027 09:00"


def test_a_time_that_does_not_exist_because_the_clock_jumps_forward_is_refused():
    with pytest.raises(InvalidDateTime, match="klok een uur vooruit"):
        parse_local("28-03-2027", "02:30", "Begin")


def test_the_hour_that_happens_twice_in_autumn_means_the_first_one():
    assert parse_local("31-10-2027", "02:30", "Begin") == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31-02-2027", "00-01-2027", "32-01-2027", "1-13-2027", "morgen", "2027", "15/03/27"])
def test_a_date_that_is_no_date_is_refused_by_name(text):
    with pytest.raises(InvalidDateTime) as info:
        parse_date(text, "De begindatum")
    assert text in info.value.message and "De begindatum" in info.value.message


@pytest.mark.parametrize("text, expected", [("15-03-2027", dt.date(2027, 3, 15)), ("5/3/2027", dt.date(2027, 3, 5)),
                                            ("2027-03-15", dt.date(2027, 3, 15)), (" 15.03.2027 ", dt.date(2027, 3, 15))])
def test_dates_as_dutch_people_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9 uur", "12:60", "", "half tien", "9"])
def test_a_time_that_is_no_24_hour_time_is_refused(text):
    with pytest.raises(InvalidDateTime):
        parse_time(text)


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(UTC)))
def test_what_is_shown_can_be_typed_back_to_the_same_minute(moment):
    moment = moment.replace(second=0, microsecond=0)
    shown = format_moment(moment)
    day, time = shown.split(" ")
    again = parse_local(day, time, "Begin")
    # The autumn hour that happens twice reads back as its first occurrence.
    assert again == moment or again == moment - dt.timedelta(hours=1)


def test_a_range_on_one_day_names_the_date_once():
    start = parse_local("15-03-2027", "09:00", "Begin")
    assert format_range(start, start + dt.timedelta(hours=3)) == "15-03-2027 09:00 – 12:00"
    assert format_range(start, start + dt.timedelta(days=1)) == "15-03-2027 09:00 – 16-03-2027 09:00"
    assert format_date(start) == "15-03-2027"


def test_a_moment_is_typed_as_date_and_time_in_one_field():
    assert parse_moment("15-03-2027 09:00", "Begin") == dt.datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
    assert parse_moment("2027-03-15T09:00", "Begin") == dt.datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
    with pytest.raises(InvalidDateTime, match="de tijd ontbreekt"):
        parse_moment("15-03-2027", "Begin")
    with pytest.raises(InvalidDateTime, match="ontbreekt"):
        parse_moment("  ", "Begin")
