"""Ports of organisations, staff users and their e-mail tokens, with the admin lists' records."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol, Sequence

import attrs

from mijnportfolio.domain.organisations import Organisation, User
from mijnportfolio.domain.tokens import UserToken


class OrganisationRepository(Protocol):
    """Organisations by id and name."""

    def add(self, organisation: Organisation) -> None: ...

    def get(self, organisation_id: int) -> Organisation | None: ...

    def get_by_name(self, name: str) -> Organisation | None: ...

    def list(self) -> Sequence[Organisation]: ...


class UserRepository(Protocol):
    """Users (staff and students) by id and by (normalised) e-mail."""

    def add(self, user: User) -> None: ...

    def get(self, user_id: int) -> User | None: ...

    def get_by_email(self, email: str) -> User | None: ...

    def list_by_ids(self, user_ids: Iterable[int]) -> Sequence[User]: ...

    def record_login(self, user_id: int, at: dt.datetime, *, password_hash: str | None = None) -> None:
        """Note a login (and a password hash renewed with it) without raising the user's version,
        so that two logins at once, or an admin's open edit form, do not conflict with it."""
        ...


class TokenRepository(Protocol):
    """Single-use e-mail tokens, looked up by their hash."""

    def add(self, token: UserToken) -> None: ...

    def get_by_hash(self, token_hash: str) -> UserToken | None: ...


@attrs.frozen
class UserListFilter:
    """What the staff list shows: filters, search, sort (a key, '-' for descending) and page."""

    search: str | None = None
    role: str | None = None
    organisation_id: int | None = None
    active: bool | None = None
    sort: str = "name"
    page: int = 1
    per_page: int = 50


@attrs.frozen
class UserRow:
    id: int
    email: str
    full_name: str
    role: str
    role_label: str
    organisation_id: int | None
    organisation_name: str | None
    active: bool
    has_password: bool
    last_login_at: dt.datetime | None


@attrs.frozen
class OrganisationRow:
    id: int
    name: str
    examiners_may_plan: bool
    user_count: int


@attrs.frozen
class Page:
    """One page of a list; ``total`` counts every row that matches the filters."""

    rows: Sequence
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class StaffUserQueries(Protocol):
    """Paginated, filtered and sorted lists of staff users and organisations (2 queries each)."""

    def staff_users(self, filters: UserListFilter) -> Page: ...

    def organisations(self, sort: str, page: int, per_page: int) -> Page: ...


