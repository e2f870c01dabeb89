"""Students and participant groups (product.md 4.1, 4.2)."""

from __future__ import annotations

import re

import attrs

from . import errors as errors_module
from .errors import DomainError, FieldsInvalid, InvalidValue
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
