"""Organisations and the people who work in them."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from .values import display_name, sort_key_for_name


class Role(str, enum.Enum):
    """Roles of product.md section 2."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    EXAMINER = "examiner"
    TRAINER = "trainer"
    STUDENT = "student"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Beheerder",
    Role.SUPERVISOR: "Praktijkbegeleider",
    Role.EXAMINER: "Examinator",
    Role.TRAINER: "Praktijkopleider",
    Role.STUDENT: "Student",
}

STAFF_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER)


@attrs.define(slots=False, eq=False)
class Organisation:
    """A school or training company. ``examiners_may_plan`` lets its examiners plan exams."""

    name: str
    examiners_may_plan: bool = False
    id: int | None = None
    version: int = 1


@attrs.define(slots=False, eq=False)
class User:
    """Anyone who can log in. Admins belong to no organisation; everyone else to exactly one."""

    email: str
    role: Role
    first_name: str | None = None
    infix: str | None = None
    last_name: str = ""
    organisation_id: int | None = None
    password_hash: str | None = None
    active: bool = True
    language: str = "nl"
    created_at: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    sort_name: str = ""
    id: int | None = None
    version: int = 1

    def __attrs_post_init__(self) -> None:
        self.refresh_sort_name()

    def refresh_sort_name(self) -> None:
        self.sort_name = sort_key_for_name(self.first_name, self.infix, self.last_name)

    @property
    def full_name(self) -> str:
        return display_name(self.first_name, self.infix, self.last_name) or self.email

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_log_in(self) -> bool:
        return self.active and bool(self.password_hash)
