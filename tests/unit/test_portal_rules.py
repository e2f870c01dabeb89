"""The rules of the student portal: the profile, the photo, and sessions of looking along."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.application.impersonation import LookAlong
from mijnportfolio.application.portal import Tab, choose_tab, tabs
from mijnportfolio.domain.errors import InvalidValue
from mijnportfolio.domain.impersonation import LOOK_ALONG_DURATION, EndReason, ImpersonationSession, ended
from mijnportfolio.domain.students import (
    PHOTO_MAX_BYTES,
    PhotoNotAccepted,
    PhotoTooLarge,
    StudentDataInvalid,
    photo_type,
    validate_postcode,
    validate_profile,
    validate_profile_phone,
)

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 50
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 50


@pytest.mark.parametrize("data, expected", [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_a_photo_is_known_by_its_bytes(data, expected):
    assert photo_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 a pdf renamed to .png", b"<svg onload=alert(1)>", b"GIF89a....", b"RIFF\x00\x00\x00\x00WAVE", b"\xff\xd8", b""],
)
def test_anything_but_a_jpeg_png_or_webp_is_no_photo(data):
    with pytest.raises(PhotoNotAccepted) as refused:
        photo_type(data)
    assert refused.value.field == "photo" and "JPEG" in refused.value.message


def test_a_photo_of_more_than_2_mb_is_refused_even_when_it_is_an_image():
    assert photo_type(PNG + b"\x00" * (PHOTO_MAX_BYTES - len(PNG))) == "image/png"
    with pytest.raises(PhotoTooLarge, match="hoogstens 2 MB"):
        photo_type(PNG + b"\x00" * (PHOTO_MAX_BYTES - len(PNG) + 1))


@pytest.mark.parametrize("given_, expected", [("1234ab", "1234 AB"), (" 1234 AB ", "1234 AB"), ("9999Zz", "9999 ZZ"), ("", None)])
def test_a_dutch_postcode_is_written_the_usual_way(given_, expected):
    assert validate_postcode(given_) == expected


@pytest.mark.parametrize("value", ["0123 AB", "123 AB", "1234 A", "1234-AB", "B-1000", "12345"])
def test_a_postcode_that_is_not_dutch_is_refused_with_an_example(value):
    with pytest.raises(InvalidValue, match="1234 AB"):
        validate_postcode(value)


@pytest.mark.parametrize("value", ["06-12345678", "+31 6 1234 5678", "(020) 123 45 67", "0612345678"])
def test_a_phone_number_may_be_written_with_spaces_dashes_and_brackets(value):
    assert validate_profile_phone(value) == value


@pytest.mark.parametrize("value", ["bel me", "12345", "06-1234567890123456", "=1+1"])
def test_a_phone_number_without_enough_digits_or_with_letters_is_refused(value):
    with pytest.raises(InvalidValue):
        validate_profile_phone(value)


def test_the_introduction_is_at_most_2000_characters_counting_a_line_break_once():
    assert validate_profile(None, None, None, None, "a" * 2000).introduction == "a" * 2000
    two_lines = "a" * 999 + "\r\n" + "b" * 1000
    assert validate_profile(None, None, None, None, two_lines).introduction == "a" * 999 + "\n" + "b" * 1000
    with pytest.raises(InvalidValue, match="2000"):
        validate_profile(None, None, None, None, "a" * 2001)


def test_every_wrong_field_of_the_profile_and_the_photo_are_reported_at_once():
    with pytest.raises(StudentDataInvalid) as refused:
        validate_profile("bel me", "x" * 201, "12", None, None, photo=b"not an image")
    assert set(refused.value.by_field) == {"phone", "street", "postcode", "photo"}


def test_a_valid_profile_carries_the_type_of_its_new_photo():
    profile = validate_profile(" 06-12345678 ", "Dorpsstraat 1", "1234ab", " Utrecht ", "  Hallo  ", photo=PNG)
    assert (profile.phone, profile.postcode, profile.city, profile.introduction) == ("06-12345678", "1234 AB", "Utrecht", "Hallo")
    assert profile.photo_type == "image/png"
    assert validate_profile(None, None, None, None, None).photo_type is None


def test_a_session_of_looking_along_lasts_30_minutes():
    record = ImpersonationSession.begin(10, 20, NOW)
    assert record.expires_at - record.started_at == dt.timedelta(minutes=30) == LOOK_ALONG_DURATION
    assert record.is_active(NOW + dt.timedelta(minutes=29, seconds=59))
    assert not record.is_active(NOW + dt.timedelta(minutes=30))


def test_stopping_records_when_and_how_and_stopping_again_changes_nothing():
    record = ImpersonationSession.begin(10, 20, NOW)
    record.end(NOW + dt.timedelta(minutes=5), EndReason.STOPPED)
    record.end(NOW + dt.timedelta(minutes=6), EndReason.LOGGED_OUT)
    assert (record.ended_at, record.end_reason) == (NOW + dt.timedelta(minutes=5), EndReason.STOPPED)
    assert not record.is_active(NOW + dt.timedelta(minutes=5))


def test_a_session_noticed_after_its_time_ended_at_its_expiry():
    record = ImpersonationSession.begin(10, 20, NOW)
    assert record.effective_end(NOW + dt.timedelta(minutes=10)) == (None, None)
    assert record.effective_end(NOW + dt.timedelta(hours=2)) == (record.expires_at, EndReason.EXPIRED)
    record.end(NOW + dt.timedelta(hours=2), EndReason.STOPPED)
    assert (record.ended_at, record.end_reason) == (record.expires_at, EndReason.EXPIRED)


@given(st.integers(min_value=0, max_value=10_000))
def test_a_recorded_end_is_never_after_the_expiry(minutes):
    record = ImpersonationSession.begin(1, 2, NOW)
    record.end(NOW + dt.timedelta(minutes=minutes), EndReason.STOPPED)
    assert record.started_at <= record.ended_at <= record.expires_at
    assert ended(record.ended_at, record.end_reason, record.expires_at, NOW) == (record.ended_at, record.end_reason)


def test_the_state_in_the_web_session_survives_a_round_trip_and_nonsense_is_no_state():
    state = LookAlong(1, 2, 3, "Demostudent 1", NOW, NOW + LOOK_ALONG_DURATION)
    assert LookAlong.from_session(state.to_session()) == state
    for nonsense in (None, "x", {}, {"record_id": "a"}, {**state.to_session(), "expires_at": "gisteren"},
                     {**state.to_session(), "started_at": "2026-09-01T09:00:00"}):
        assert LookAlong.from_session(nonsense) is None


def test_the_messages_tab_is_not_there_while_someone_looks_along():
    assert Tab.MESSAGES in tabs(False) and Tab.MESSAGES not in tabs(True)
    assert choose_tab("berichten", looking_along=True) is Tab.OVERVIEW
    assert choose_tab("BERICHTEN", looking_along=False) is Tab.MESSAGES
    assert choose_tab("<script>", looking_along=False) is Tab.OVERVIEW
    assert choose_tab(None, looking_along=False) is Tab.OVERVIEW
