"""Organisations and staff users (admin screens)."""

from __future__ import annotations

from typing import Callable

import attrs

from mijnportfolio.domain.errors import DuplicateEmail, DuplicateName, InvalidValue, NotFound
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.organisations import STAFF_ROLES, Organisation, Role, User
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.tokens import TokenPurpose
from mijnportfolio.domain.values import normalise_email, optional_text, required_text

from .auth import check_password, issue_token
from .mail import queue_mail
from .ports import Clock, PasswordHasher, UnitOfWork


@attrs.frozen
class OrganisationData:
    name: str
    examiners_may_plan: bool = False


def create_organisation(uow: UnitOfWork, actor: Actor, data: OrganisationData) -> int:
    require(actor, Permission.MANAGE_ORGANISATIONS)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        if uow.organisations.get_by_name(name) is not None:
            raise DuplicateName("Er bestaat al een organisatie met deze naam.", field="name")
        organisation = Organisation(name=name, examiners_may_plan=bool(data.examiners_may_plan))
        uow.organisations.add(organisation)
        uow.commit()
        return organisation.id


def update_organisation(uow: UnitOfWork, actor: Actor, organisation_id: int, data: OrganisationData) -> None:
    require(actor, Permission.MANAGE_ORGANISATIONS)
    name = required_text(data.name, "Naam", field="name")
    with uow:
        organisation = uow.organisations.get(organisation_id)
        if organisation is None:
            raise NotFound("Deze organisatie bestaat niet.")
        other = uow.organisations.get_by_name(name)
        if other is not None and other.id != organisation.id:
            raise DuplicateName("Er bestaat al een organisatie met deze naam.", field="name")
        organisation.name = name
        organisation.examiners_may_plan = bool(data.examiners_may_plan)
        uow.commit()


@attrs.frozen
class StaffData:
    email: str
    role: str
    first_name: str | None
    infix: str | None
    last_name: str
    organisation_id: int | None
    active: bool = True


def _validated_staff(uow: UnitOfWork, data: StaffData) -> tuple[str, Role, int | None]:
    email = normalise_email(data.email)
    try:
        role = Role(data.role)
    except ValueError:
        raise InvalidValue("Kies een geldige rol.", field="role") from None
    if role not in STAFF_ROLES:
        raise InvalidValue("Kies een geldige rol.", field="role")
    required_text(data.last_name, "Achternaam", field="last_name", max_length=150)
    organisation_id = data.organisation_id
    if role is Role.ADMIN:
        organisation_id = None  # admins work across all organisations
    elif organisation_id is None or uow.organisations.get(organisation_id) is None:
        raise InvalidValue("Kies de organisatie van deze gebruiker.", field="organisation_id")
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
    if password:
        check_password(password)
    with uow:
        email, role, organisation_id = _validated_staff(uow, data)
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
        return user.id


def send_invitation(uow: UnitOfWork, clock: Clock, user: User, invitation_url: Callable[[str], str]) -> None:
    """Queue the e-mail with which a new user chooses a password (inside the caller's unit of work)."""
    token = issue_token(uow, clock, user, TokenPurpose.INVITATION)
    queue_mail(
        uow,
        clock,
        EmailMessage(
            to=(user.email,),
            subject="Je account voor MijnPortfolio",
            body=(
                f"Beste {user.full_name},\n\n"
                "Er is een account voor je aangemaakt in MijnPortfolio, het examenplatform.\n"
                f"Kies via deze link je wachtwoord (14 dagen geldig):\n\n{invitation_url(token)}\n\n"
                f"Je logt daarna in met dit e-mailadres: {user.email}\n"
            ),
        ),
    )


def update_staff_user(uow: UnitOfWork, actor: Actor, user_id: int, data: StaffData) -> None:
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.is_staff:
            raise NotFound("Deze gebruiker bestaat niet.")
        email, role, organisation_id = _validated_staff(uow, data)
        other = uow.users.get_by_email(email)
        if other is not None and other.id != user.id:
            raise DuplicateEmail(field="email")
        if user.id == actor.user_id and (role is not Role.ADMIN or not data.active):
            raise InvalidValue("Je kunt je eigen beheerdersrechten niet intrekken.", field="role")
        _apply(user, data, email, role, organisation_id)
        user.active = bool(data.active)
        uow.commit()


def set_staff_active(uow: UnitOfWork, actor: Actor, user_id: int, active: bool) -> None:
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.is_staff:
            raise NotFound("Deze gebruiker bestaat niet.")
        if user.id == actor.user_id and not active:
            raise InvalidValue("Je kunt jezelf niet deactiveren.")
        user.active = active
        uow.commit()


def admin_reset_password(
    uow: UnitOfWork, actor: Actor, clock: Clock, user_id: int, reset_url: Callable[[str], str]
) -> str:
    """An admin sends a user a password reset link; returns the user's e-mail for the flash."""
    require(actor, Permission.MANAGE_STAFF)
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            raise NotFound("Deze gebruiker bestaat niet.")
        token = issue_token(uow, clock, user, TokenPurpose.PASSWORD_RESET)
        queue_mail(
            uow,
            clock,
            EmailMessage(
                to=(user.email,),
                subject="Wachtwoord opnieuw instellen voor MijnPortfolio",
                body=(
                    f"Beste {user.full_name},\n\n"
                    "Een beheerder heeft een nieuwe link voor je wachtwoord aangevraagd.\n"
                    f"Open deze link (één uur geldig, één keer te gebruiken):\n\n{reset_url(token)}\n"
                ),
            ),
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
        return user.id
