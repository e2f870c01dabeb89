"""Students and participant groups (product.md 4.1, 4.2)."""

from __future__ import annotations

import attrs

from .organisations import User


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
