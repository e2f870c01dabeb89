"""Organisations and staff users (admin screens)."""

from __future__ import annotations

from typing import Callable

import attrs

from mijnportfolio.domain.errors import (
    AccountInactive,
    CannotDeactivateYourself,
    ConcurrentModification,
    DomainError,
    DuplicateEmail,
    DuplicateName,
    InvalidValue,
    NotFound,
    WeakPassword,
    check,
    raise_collected,
)
from mijnportfolio.domain.organisations import STAFF_ROLES, Organisation, Role, User
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.tokens import TokenPurpose
from mijnportfolio.domain.values import normalise_email, optional_text, required_text

from .auth import (
    check_password,
    invitation_email,
    issue_token,
    queue_password_reset_mail,
)
from .mail import queue_mail
from .ports.common import Clock, PasswordHasher
from .ports.organisations import Page, StaffUserQueries, UserListFilter
from .ports.unit_of_work import UnitOfWork, saved_id

# --- Read models for the admin lists (adapters implement them in a fixed number of queries) ---

USER_SORT_KEYS = ("name", "email", "role", "organisation", "active", "last_login")
ORGANISATION_SORT_KEYS = ("name", "examiners_may_plan", "users")


def list_staff_users(queries: StaffUserQueries, actor: Actor, filters: UserListFilter) -> Page:
    require(actor, Permission.MANAGE_STAFF)
    sort = filters.sort if filters.sort.lstrip("-") in USER_SORT_KEYS else "name"
    role = filters.role if filters.role in {r.value for r in STAFF_ROLES} else None
    return queries.staff_users(
        attrs.evolve(filters, sort=sort, role=role, page=max(1, filters.page), search=(filters.search or "").strip() or None)
    )


def list_organisations_page(queries: StaffUserQueries, actor: Actor, sort: str, page: int, per_page: int = 50) -> Page:
    require(actor, Permission.MANAGE_ORGANISATIONS)
    if sort.lstrip("-") not in ORGANISATION_SORT_KEYS:
        sort = "name"
    return queries.organisations(sort, max(1, page), per_page)


# --- Organisations ---


@attrs.frozen
class OrganisationData:
    name: str
    examiners_may_plan: bool = False


@attrs.frozen
class OrganisationView:
    id: int
    name: str
    examiners_may_plan: bool
    version: int


def get_organisation(uow: UnitOfWork, actor: Actor, organisation_id: int) -> OrganisationView:
    require(actor, Permission.MANAGE_ORGANISATIONS)
    with uow:
        organisation = uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFound("Deze organisatie bestaat niet.")
        return OrganisationView(
            id=saved_id(organisation.id), name=organisation.name,
            examiners_may_plan=organisation.examiners_may_plan, version=organisation.version,
        )


def organisation_choices(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of every organisation, for selects and filters."""
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        return [(saved_id(o.id), o.name) for o in uow.organisations.list()]


def create_organisation(uow: UnitOfWork, actor: Actor, data: OrganisationData) -> int:
    require(actor, Permission.MANAGE_ORGANISATIONS)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        if uow.organisations.get_by_name(name) is not None:
            raise DuplicateName("Er bestaat al een organisatie met deze naam.", field="name")
        organisation = Organisation(name=name, examiners_may_plan=bool(data.examiners_may_plan))
        uow.organisations.add(organisation)
        uow.commit()
        return saved_id(organisation.id)


def update_organisation(
    uow: UnitOfWork,
    actor: Actor,
    organisation_id: int,
    data: OrganisationData,
    *,
    expected_version: int | None = None,
) -> None:
    """Change an organisation. With ``expected_version`` (the version the form was loaded
    with) an edit made by someone else in the meantime is refused instead of overwritten."""
    require(actor, Permission.MANAGE_ORGANISATIONS)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        organisation = uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFound("Deze organisatie bestaat niet.")
        if expected_version is not None and organisation.version != expected_version:
            raise ConcurrentModification()
        other = uow.organisations.get_by_name(name)
        if other is not None and other.id != organisation.id:
            raise DuplicateName("Er bestaat al een organisatie met deze naam.", field="name")
        organisation.name = name
        organisation.examiners_may_plan = bool(data.examiners_may_plan)
        uow.commit()


# --- Staff users ---


@attrs.frozen
class StaffData:
    email: str
    role: str
    first_name: str | None
    infix: str | None
    last_name: str
    organisation_id: int | None
    active: bool = True


def _staff_role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise InvalidValue("Kies een geldige rol.", field="role") from None
    if role not in STAFF_ROLES:
        raise InvalidValue("Kies een geldige rol.", field="role")
    return role


def _validated_staff(
    uow: UnitOfWork, data: StaffData, errors: list[DomainError] | None = None
) -> tuple[str, Role, int | None]:
    """Check every field; raise all problems at once (by field), together with ``errors``
    the caller found already."""
    errors = list(errors or ())
    email = check(errors, lambda: normalise_email(data.email))
    role = check(errors, lambda: _staff_role(data.role))
    check(errors, lambda: optional_text(data.first_name, max_length=100, label="Voornaam", field="first_name"))
    check(errors, lambda: optional_text(data.infix, max_length=50, label="Tussenvoegsel", field="infix"))
    check(errors, lambda: required_text(data.last_name, "Achternaam", field="last_name", max_length=150))
    organisation_id = data.organisation_id
    if role is Role.ADMIN:
        organisation_id = None  # admins work across all organisations
    elif organisation_id is None or uow.organisations.get(organisation_id) is None:
        errors.append(InvalidValue("Kies de organisatie van deze gebruiker.", field="organisation_id"))
    raise_collected(errors)
    assert email is not None and role is not None  # raise_collected refused them otherwise
    return email, role, organisation_id


def _apply(user: User, data: StaffData, email: str, role: Role, organisation_id: int | None) -> None:
    user.email = email
    user.role = role
    user.first_name = optional_text(data.first_name, max_length=100, label="Voornaam", field="first_name")
    user.infix = optional_text(data.infix, max_length=50, label="Tussenvoegsel", field="infix")
    user.last_name = required_text(data.last_name, "Achternaam", field="last_name", max_length=150)
    user.organisation_id = organisation_id
    user.refresh_sort_name()


def create_staff_user(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    hasher: PasswordHasher,
    data: StaffData,
    *,
    password: str | None = None,
    invitation_url: Callable[[str], str] | None = None,
) -> int:
    """Create a staff user. With a password they can log in at once; otherwise (and with an
    ``invitation_url``) they get an e-mail with a link to choose one."""
    require(actor, Permission.MANAGE_STAFF)
    errors: list[DomainError] = []
    if password:
        try:
            check_password(password)
        except WeakPassword:
            errors.append(WeakPassword(field="password"))
    with uow:
        email, role, organisation_id = _validated_staff(uow, data, errors)
        if uow.users.get_by_email(email) is not None:
            raise DuplicateEmail(field="email")
        user = User(email=email, role=role, last_name="", created_at=clock.now())
        _apply(user, data, email, role, organisation_id)
        user.active = True
        if password:
            user.password_hash = hasher.hash(password)
        uow.users.add(user)
        uow.flush()
        if not password and invitation_url is not None:
            send_invitation(uow, clock, user, invitation_url)
        uow.commit()
        return saved_id(user.id)


def send_invitation(uow: UnitOfWork, clock: Clock, user: User, invitation_url: Callable[[str], str]) -> None:
    """Queue the e-mail with which a new user chooses a password (inside the caller's unit of work)."""
    token = issue_token(uow, clock, user, TokenPurpose.INVITATION)
    queue_mail(uow, clock, invitation_email(user.full_name, user.email, invitation_url(token)))


@attrs.frozen
class StaffUserView:
    id: int
    email: str
    role: str
    first_name: str | None
    infix: str | None
    last_name: str
    organisation_id: int | None
    active: bool
    full_name: str
    has_password: bool
    version: int


def get_staff_user(uow: UnitOfWork, actor: Actor, user_id: int) -> StaffUserView:
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.is_staff:
            raise NotFound("Deze gebruiker bestaat niet.")
        return StaffUserView(
            id=saved_id(user.id), email=user.email, role=user.role.value, first_name=user.first_name,
            infix=user.infix, last_name=user.last_name, organisation_id=user.organisation_id,
            active=user.active, full_name=user.full_name, has_password=bool(user.password_hash),
            version=user.version,
        )


def update_staff_user(
    uow: UnitOfWork, actor: Actor, user_id: int, data: StaffData, *, expected_version: int | None = None
) -> None:
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.is_staff:
            raise NotFound("Deze gebruiker bestaat niet.")
        if expected_version is not None and user.version != expected_version:
            raise ConcurrentModification()
        email, role, organisation_id = _validated_staff(uow, data)
        other = uow.users.get_by_email(email)
        if other is not None and other.id != user.id:
            raise DuplicateEmail(field="email")
        if user.id == actor.user_id and (role is not Role.ADMIN or not data.active):
            raise CannotDeactivateYourself("Je kunt je eigen beheerdersrechten niet intrekken.", field="role")
        _apply(user, data, email, role, organisation_id)
        user.active = bool(data.active)
        uow.commit()


def set_staff_active(uow: UnitOfWork, actor: Actor, user_id: int, active: bool) -> str:
    """(De)activate a staff user; returns their name for the flash. An inactive user cannot
    log in and their open session ends at the next request."""
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.is_staff:
            raise NotFound("Deze gebruiker bestaat niet.")
        if user.id == actor.user_id and not active:
            raise CannotDeactivateYourself()
        user.active = active
        uow.commit()
        return user.full_name


def admin_reset_password(
    uow: UnitOfWork, actor: Actor, clock: Clock, user_id: int, reset_url: Callable[[str], str]
) -> str:
    """An admin sends a user a password reset link; returns the user's e-mail for the flash."""
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound("Deze gebruiker bestaat niet.")
        if not user.active:
            raise AccountInactive("Deze gebruiker is gedeactiveerd. Activeer de gebruiker eerst.")
        queue_password_reset_mail(
            uow, clock, user, reset_url, reason="Een beheerder heeft een nieuwe link voor je wachtwoord aangevraagd."
        )
        uow.commit()
        return user.email


def create_admin(uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, email: str, password: str) -> int:
    """Bootstrap (CLI): create an admin, or make an existing user an active admin with this password."""
    email = normalise_email(email)
    check_password(password)
    with uow:
        user = uow.users.get_by_email(email)
        if user is None:
            user = User(email=email, role=Role.ADMIN, first_name=None, last_name="Beheerder", created_at=clock.now())
            uow.users.add(user)
        user.role = Role.ADMIN
        user.organisation_id = None
        user.active = True
        user.password_hash = hasher.hash(password)
        uow.commit()
        return saved_id(user.id)
