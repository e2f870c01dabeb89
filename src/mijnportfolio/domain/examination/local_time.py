"""Dutch local time (Europe/Amsterdam) as planners type it, and aware UTC as it is stored.

A 09:00 exam on the Monday after the clocks change is at 09:00: the conversion uses the rules
of the day itself, never a fixed offset.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from ..errors import InvalidValue

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc

_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class InvalidDateTime(InvalidValue):
    """A date is dd-mm-jjjj (a real day) and a time uu:mm on a 24-hour clock."""

    default_message = "Vul een datum in als dd-mm-jjjj en een tijd als uu:mm."


def parse_date(text: str | None, label: str = "De datum", *, field: str | None = None) -> dt.date:
    """dd-mm-jjjj (also with / or .) or jjjj-mm-dd; 31-02-2027 and text are refused by name."""
    value = (text or "").strip()
    if not value:
        raise InvalidDateTime(f"{label} ontbreekt; vul die in als dd-mm-jjjj.", field=field)
    match = _DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        iso = _ISO_DATE.match(value)
        if not iso:
            raise InvalidDateTime(f"{label} '{value}' is geen datum; gebruik dd-mm-jjjj, bijvoorbeeld 15-03-2027.", field=field)
        year, month, day = (int(g) for g in iso.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDateTime(f"{label} '{value}' bestaat niet.", field=field) from None


def parse_time(text: str | None, label: str = "De tijd", *, field: str | None = None) -> dt.time:
    """uu:mm on a 24-hour clock (9:00, 09:00 and 09.00 are fine)."""
    value = (text or "").strip()
    if not value:
        raise InvalidDateTime(f"{label} ontbreekt; vul die in als uu:mm.", field=field)
    match = _TIME.match(value)
    if not match:
        raise InvalidDateTime(f"{label} '{value}' is geen tijd; gebruik uu:mm, bijvoorbeeld 09:00.", field=field)
    hour, minute = (int(g) for g in match.groups())
    if hour > 23 or minute > 59:
        raise InvalidDateTime(f"{label} '{value}' bestaat niet; gebruik uu:mm van 00:00 tot 23:59.", field=field)
    return dt.time(hour, minute)


def to_utc(day: dt.date, time: dt.time, *, label: str = "Dit tijdstip", field: str | None = None) -> dt.datetime:
    """The moment a Dutch clock shows ``day`` ``time``, in UTC.

    On the night the clocks go forward, 02:00-02:59 does not exist and is refused; on the night
    they go back, 02:00-02:59 happens twice and the first (summer time) is meant."""
    local = dt.datetime.combine(day, time, tzinfo=AMSTERDAM)
    moment = local.astimezone(UTC)
    if moment.astimezone(AMSTERDAM).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidDateTime(
            f"{label} ({format_date(day)} {time:%H:%M}) bestaat niet: die nacht gaat de klok een uur vooruit.",
            field=field,
        )
    return moment


def parse_local(date_text: str | None, time_text: str | None, label: str, *, field: str | None = None) -> dt.datetime:
    """A date and a time as a planner types them, as an aware UTC moment."""
    day = parse_date(date_text, f"{label}: de datum", field=field)
    time = parse_time(time_text, f"{label}: de tijd", field=field)
    return to_utc(day, time, label=label, field=field)


_MOMENT = re.compile(r"^\s*(\S+?)(?:[ T]+(\S+))?\s*$")


def parse_moment(text: str | None, label: str, *, field: str | None = None) -> dt.datetime:
    """'15-03-2027 09:00' (a date and a 24-hour time, Dutch time) as an aware UTC moment.

    Also '2027-03-15T09:00', as a browser's date-time field sends it."""
    value = (text or "").strip()
    if not value:
        raise InvalidDateTime(f"{label} ontbreekt; vul de datum en tijd in als dd-mm-jjjj uu:mm.", field=field)
    match = _MOMENT.match(value)
    date_text, time_text = (match.group(1), match.group(2)) if match else (value, None)
    if not time_text:
        day = parse_date(date_text, f"{label}: de datum", field=field)
        raise InvalidDateTime(
            f"{label}: de tijd ontbreekt; vul de datum en tijd in als dd-mm-jjjj uu:mm, bijvoorbeeld {format_date(day)} 09:00.",
            field=field,
        )
    return parse_local(date_text, time_text, label, field=field)


def format_input(moment: dt.datetime) -> str:
    """A moment as the planning form shows it for editing: dd-mm-jjjj uu:mm."""
    return format_moment(moment)


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` on a Dutch clock."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; the domain works with aware UTC")
    return moment.astimezone(AMSTERDAM)


def format_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = local(day).date()
    return f"{day:%d-%m-%Y}"


def format_time(moment: dt.datetime) -> str:
    return f"{local(moment):%H:%M}"


def format_moment(moment: dt.datetime) -> str:
    """dd-mm-jjjj uu:mm in Dutch local time."""
    return f"{format_date(moment)} {format_time(moment)}"


def format_range(start: dt.datetime, end: dt.datetime) -> str:
    """'15-03-2027 09:00 – 12:00', or both dates when the end is on another day."""
    if local(start).date() == local(end).date():
        return f"{format_moment(start)} – {format_time(end)}"
    return f"{format_moment(start)} – {format_moment(end)}"
