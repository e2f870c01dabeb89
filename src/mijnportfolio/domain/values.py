"""Small value rules shared by many entities."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidValue

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is not our concern.
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[A-Za-z0-9-]{2,}$")
_CREBO = re.compile(r"^\d{5}$")


def normalise_email(value: str | None) -> str:
    """Trimmed, lower-cased e-mail address; raises InvalidValue when it is not one."""
    email = (value or "").strip().lower()
    if not email:
        raise InvalidValue("Vul een e-mailadres in.", field="email")
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email:
        raise InvalidValue(f"'{(value or '').strip()}' is geen geldig e-mailadres.", field="email")
    return email


def is_valid_email(value: str | None) -> bool:
    try:
        normalise_email(value)
    except InvalidValue:
        return False
    return True


def validate_crebo(value: str | None) -> str:
    """A crebo code is exactly five digits (kept as text: leading zeros matter)."""
    code = (value or "").strip()
    if not _CREBO.match(code):
        raise InvalidValue("Een crebocode bestaat uit precies 5 cijfers.", field="crebo")
    return code


def validate_level(value: int | str | None) -> int:
    """MBO levels are 1 to 4."""
    try:
        level = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidValue("Het niveau moet 1, 2, 3 of 4 zijn.", field="level") from None
    if level not in (1, 2, 3, 4):
        raise InvalidValue("Het niveau moet 1, 2, 3 of 4 zijn.", field="level")
    return level


def required_text(value: str | None, label: str, *, field: str, max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue(f"{label} is verplicht.", field=field)
    if len(text) > max_length:
        raise InvalidValue(f"{label} mag hoogstens {max_length} tekens lang zijn.", field=field)
    return text


def optional_text(value: str | None, *, max_length: int = 200, label: str = "Dit veld", field: str | None = None) -> str | None:
    text = (value or "").strip()
    if len(text) > max_length:
        raise InvalidValue(f"{label} mag hoogstens {max_length} tekens lang zijn.", field=field)
    return text or None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key_for_name(first_name: str | None, infix: str | None, last_name: str | None) -> str:
    """Dutch lists sort on the last name without its infix: 'van der Berg' sorts under B.

    Stored as a column so that the database sorts and paginates without loading everyone.
    """
    return f"{_fold(last_name or '')}\x1f{_fold(first_name or '')}\x1f{_fold(infix or '')}"


def display_name(first_name: str | None, infix: str | None, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, infix, last_name) if part)


def search_text(*parts: str | None) -> str:
    """Folded text used for case- and accent-insensitive search."""
    return " ".join(_fold(p) for p in parts if p)
