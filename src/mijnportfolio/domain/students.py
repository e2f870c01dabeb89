"""Students and participant groups (product.md 4.1, 4.2)."""

from __future__ import annotations

import re

import attrs

from . import errors as errors_module
from .errors import DomainError, FieldsInvalid, InvalidValue
from .errors import check as check_rule
from .organisations import User
from .permissions import StudentFacts
from .values import optional_text, required_text, sort_key_for_name


@attrs.define(slots=False, eq=False)
class ParticipantGroup:
    """A named set of students within one organisation, optionally in a category."""

    organisation_id: int
    name: str
    category: str | None = None
    description: str | None = None
    id: int | None = None
    version: int = 1


@attrs.define(slots=False, eq=False)
class Student:
    """A student of one organisation. Name and e-mail live on its ``user`` (a student logs in).

    The student number is text: leading zeros are part of it.
    """

    organisation_id: int
    student_number: str
    user: User
    programme_id: int
    supervisor_id: int
    trainer_id: int | None = None
    cohort: str | None = None
    phone: str | None = None
    introduction: str | None = None
    # The profile the student keeps on the 'Student' tab of their portfolio (manual 3).
    street: str | None = None  # street and house number, one line
    postcode: str | None = None
    city: str | None = None
    photo_key: str | None = None  # the photo in the file store
    photo_type: str | None = None  # its content type, judged from its bytes
    active: bool = True
    groups: set[ParticipantGroup] = attrs.field(factory=set)
    id: int | None = None
    version: int = 1

    @property
    def full_name(self) -> str:
        return self.user.full_name

    @property
    def email(self) -> str:
        return self.user.email

    def linked_staff_ids(self) -> set[int]:
        """Staff linked directly to this student (examiners of planned parts come on top)."""
        return {i for i in (self.supervisor_id, self.trainer_id) if i is not None}

    def facts(self, examiner_ids: frozenset[int] = frozenset()) -> StudentFacts:
        """What the permission policy needs to decide about this student (a stored one: the
        policy recognises a student's own login by its user id)."""
        if self.user.id is None:
            raise RuntimeError("a student's facts need its stored user: flush the unit of work first")
        return StudentFacts(
            organisation_id=self.organisation_id,
            user_id=self.user.id,
            supervisor_id=self.supervisor_id,
            trainer_id=self.trainer_id,
            examiner_ids=examiner_ids,
        )

    def update_profile(self, profile: "StudentProfile") -> None:
        """Apply what the student entered on their 'Student' tab."""
        self.phone = profile.phone
        self.street = profile.street
        self.postcode = profile.postcode
        self.city = profile.city
        self.introduction = profile.introduction

    def replace_photo(self, key: str | None, content_type: str | None) -> str | None:
        """Keep ``key`` as the photo (None: no photo); returns the key of the photo it replaces,
        for the caller to remove from the file store once the change is committed."""
        old = self.photo_key
        self.photo_key = key
        self.photo_type = content_type if key else None
        return old if old != key else None

    def set_active(self, active: bool) -> None:
        """A deactivated student can no longer log in either; reactivating restores both."""
        self.active = active
        self.user.active = active

    def join(self, group: ParticipantGroup) -> bool:
        """Add to ``group``; False when already a member (nothing changes)."""
        if any(g is group or (g.id is not None and g.id == group.id) for g in self.groups):
            return False
        self.groups.add(group)
        return True

    def leave(self, group: ParticipantGroup) -> bool:
        """Remove from ``group``; False when not a member."""
        for g in list(self.groups):
            if g is group or (g.id is not None and g.id == group.id):
                self.groups.discard(g)
                return True
        return False


class StudentDataInvalid(FieldsInvalid):
    """Several fields of a student (or group) are wrong at once; nothing was stored.

    ``by_field`` maps a form field name to its message, so the form shows each by its field.
    """


def raise_collected(errors: list[DomainError]) -> None:
    """Raise nothing, the single error itself (its type names the broken rule), or all at once."""
    errors_module.raise_collected(errors, StudentDataInvalid)


_WHITESPACE = re.compile(r"\s")


def validate_student_number(value: str | None) -> str:
    """Required text, kept exactly as given (leading zeros matter), without spaces inside."""
    number = required_text(value, "Studentnummer", field="student_number", max_length=50)
    if _WHITESPACE.search(number):
        raise InvalidValue("Een studentnummer bevat geen spaties.", field="student_number")
    return number


def validate_cohort(value: str | None) -> str | None:
    return optional_text(value, max_length=50, label="Cohort", field="cohort")


def validate_phone(value: str | None) -> str | None:
    return optional_text(value, max_length=50, label="Telefoonnummer", field="phone")


def validate_group_fields(
    name: str | None, category: str | None, description: str | None
) -> tuple[str, str | None, str | None]:
    """A group has a required name, an optional category and an optional description."""
    errors: list[DomainError] = []
    clean: list[str | None] = [None, None, None]
    for index, check in enumerate(
        (
            lambda: required_text(name, "Naam", field="name", max_length=200),
            lambda: optional_text(category, max_length=200, label="Categorie", field="category"),
            lambda: optional_text(description, max_length=5000, label="Omschrijving", field="description"),
        )
    ):
        try:
            clean[index] = check()
        except DomainError as exc:
            errors.append(exc)
    raise_collected(errors)
    return clean[0] or "", clean[1], clean[2]


def name_sort_key(first_name: str | None, infix: str | None, last_name: str | None) -> str:
    """Dutch order: last name without infix, then first name, then infix (case and accents ignored)."""
    return sort_key_for_name(first_name, infix, last_name)


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading quote; other values pass."""
    if isinstance(text, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


# -- the student's own profile (the 'Student' tab, manual 3) -------------------------------------

INTRODUCTION_MAX_LENGTH = 2000
PHOTO_MAX_BYTES = 2 * 1024 * 1024
#: The photo types a profile accepts, by content type, with the suffix they are stored under.
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


class PhotoNotAccepted(InvalidValue):
    """A profile photo is a JPEG, PNG or WebP image, as its bytes say (never its name)."""

    default_message = "Dit bestand is geen foto: kies een JPEG-, PNG- of WebP-afbeelding."


class PhotoTooLarge(InvalidValue):
    """A profile photo is at most 2 MB."""

    default_message = "De foto is te groot: een foto mag hoogstens 2 MB zijn."


@attrs.frozen
class StudentProfile:
    """What a student keeps on their 'Student' tab: contact details and an introduction.

    ``photo_type`` is the content type of a new photo sent with it (None: none sent)."""

    phone: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    introduction: str | None = None
    photo_type: str | None = None


def validate_postcode(value: str | None) -> str | None:
    """A Dutch postcode, written the usual way: '1234 AB' (empty is fine)."""
    text = (value or "").strip()
    if not text:
        return None
    match = _POSTCODE.match(text)
    if match is None:
        raise InvalidValue("Vul de postcode in als 4 cijfers en 2 letters, bijvoorbeeld 1234 AB.", field="postcode")
    return f"{match.group(1)} {match.group(2).upper()}"


def validate_profile_phone(value: str | None) -> str | None:
    """A phone number someone can dial: digits with spaces, dashes or brackets, optionally +."""
    text = validate_phone(value)
    if text is None:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 6 <= digits <= 15:
        raise InvalidValue("Vul een telefoonnummer in met alleen cijfers, bijvoorbeeld 06-12345678.", field="phone")
    return text


def validate_profile(
    phone: str | None,
    street: str | None,
    postcode: str | None,
    city: str | None,
    introduction: str | None,
    photo: bytes | None = None,
) -> StudentProfile:
    """Check every field of the profile and a new photo (bytes, if one was sent); raise all
    problems at once (by field), so that a refused photo never loses what was typed."""
    errors: list[DomainError] = []
    new_photo_type = check_rule(errors, lambda: photo_type(photo)) if photo else None
    clean_phone = check_rule(errors, lambda: validate_profile_phone(phone))
    clean_street = check_rule(
        errors, lambda: optional_text(street, max_length=200, label="Straat en huisnummer", field="street")
    )
    clean_postcode = check_rule(errors, lambda: validate_postcode(postcode))
    clean_city = check_rule(errors, lambda: optional_text(city, max_length=100, label="Plaats", field="city"))
    clean_introduction = check_rule(
        errors,
        lambda: optional_text(
            # Browsers send a line break as two characters; the student typed one.
            (introduction or "").replace("\r\n", "\n"), max_length=INTRODUCTION_MAX_LENGTH, label="De introductie", field="introduction"
        ),
    )
    raise_collected(errors)
    return StudentProfile(
        phone=clean_phone, street=clean_street, postcode=clean_postcode, city=clean_city,
        introduction=clean_introduction, photo_type=new_photo_type,
    )


def photo_type(data: bytes, *, field: str = "photo") -> str:
    """The content type of a profile photo, told from its first bytes; refuses anything that is
    not a JPEG, PNG or WebP image, or is larger than 2 MB."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoTooLarge(field=field)
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise PhotoNotAccepted(field=field)
