"""A user's own account ('Mijn account'): their password, and for staff their name and phone.

Students keep their contact details on the 'Student' tab of their portfolio; their name is what
the school registered, so only an admin changes it."""

from __future__ import annotations

import attrs

from mijnportfolio.domain.account import StaffContact
from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DomainError,
    FieldsInvalid,
    InvalidValue,
    NotFound,
    PermissionDenied,
    WeakPassword,
    check,
    raise_collected,
)
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.organisations import Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import validate_profile_phone
from mijnportfolio.domain.values import optional_text, required_text

from .auth import check_password
from .mail import queue_mail
from .ports.common import Clock, PasswordHasher
from .ports.unit_of_work import UnitOfWork

STUDENTS_USE_THEIR_TAB = "Je contactgegevens pas je aan op het tabblad 'Student' van je portfolio."
WRONG_PASSWORD = "Je huidige wachtwoord klopt niet."
NOT_THE_SAME = "De twee nieuwe wachtwoorden zijn niet gelijk."
SAME_AS_BEFORE = "Kies een nieuw wachtwoord dat anders is dan je huidige."


@attrs.frozen
class AccountView:
    email: str
    role: Role
    first_name: str | None
    infix: str | None
    last_name: str
    phone: str | None
    organisation_name: str | None
    version: int

    @property
    def is_student(self) -> bool:
        return self.role is Role.STUDENT


@attrs.frozen
class ContactData:
    """What the contact form of a staff member sends."""

    first_name: str | None
    infix: str | None
    last_name: str | None
    phone: str | None


def _me(uow: UnitOfWork, actor: Actor) -> User:
    user = uow.users.get(actor.user_id)
    if user is None or not user.active:
        raise NotFound("Dit account bestaat niet (meer).")
    return user


def edit_version(user: User, contact: StaffContact | None) -> int:
    """The version the contact form carries: it changes two rows, and each one's version only rises."""
    return user.version + (contact.version if contact is not None else 0)


def my_account(uow: UnitOfWork, actor: Actor) -> AccountView:
    with uow:
        user = _me(uow, actor)
        contact = uow.staff_contacts.get(actor.user_id)
        organisation = uow.organisations.get(user.organisation_id) if user.organisation_id is not None else None
        if user.role is Role.STUDENT:
            student = uow.students.get_by_user_id(actor.user_id)
            phone = student.phone if student is not None else None
        else:
            phone = contact.phone if contact is not None else None
        return AccountView(
            email=user.email, role=user.role, first_name=user.first_name, infix=user.infix, last_name=user.last_name,
            phone=phone, organisation_name=organisation.name if organisation else None,
            version=edit_version(user, contact),
        )


def update_my_contact_details(
    uow: UnitOfWork, actor: Actor, data: ContactData, *, expected_version: int | None = None
) -> None:
    """A staff member changes their own name and phone number (every field checked at once)."""
    if actor.role is Role.STUDENT:
        raise PermissionDenied(STUDENTS_USE_THEIR_TAB)
    with uow:
        user = _me(uow, actor)
        contact = uow.staff_contacts.get(actor.user_id)
        if expected_version is not None and edit_version(user, contact) != expected_version:
            raise ConcurrentModification()
        errors: list[DomainError] = []
        first = check(errors, lambda: optional_text(data.first_name, max_length=100, label="Voornaam", field="first_name"))
        infix = check(errors, lambda: optional_text(data.infix, max_length=50, label="Tussenvoegsel", field="infix"))
        last = check(errors, lambda: required_text(data.last_name, "Achternaam", field="last_name", max_length=150))
        phone = check(errors, lambda: validate_profile_phone(data.phone))
        raise_collected(errors)
        assert last is not None  # raise_collected refused a missing last name
        user.first_name, user.infix, user.last_name = first, infix, last
        user.refresh_sort_name()
        if contact is None:
            if phone is not None:
                uow.staff_contacts.add(StaffContact(user_id=actor.user_id, phone=phone))
        else:
            contact.phone = phone
        uow.commit()


def change_my_password(
    uow: UnitOfWork, hasher: PasswordHasher, clock: Clock, actor: Actor, current: str, new: str, repeated: str
) -> None:
    """Change one's own password: the current one first, the new one by the platform's rules.
    The account's address gets a notice, so that a change someone else made does not go unseen."""
    with uow:
        user = _me(uow, actor)
        errors: list[DomainError] = []
        if not user.password_hash or not hasher.verify(user.password_hash, current or ""):
            errors.append(InvalidValue(WRONG_PASSWORD, field="current_password"))
        try:
            check_password(new)
        except WeakPassword as exc:
            errors.append(WeakPassword(exc.message, field="new_password"))
        if (new or "") != (repeated or ""):
            errors.append(InvalidValue(NOT_THE_SAME, field="confirm_password"))
        elif not errors and hasher.verify(user.password_hash or "", new):
            errors.append(InvalidValue(SAME_AS_BEFORE, field="new_password"))
        raise_collected(errors, FieldsInvalid)
        user.password_hash = hasher.hash(new)
        queue_mail(
            uow,
            clock,
            EmailMessage(
                to=(user.email,),
                subject="Je wachtwoord voor MijnPortfolio is gewijzigd",
                body=(
                    f"Beste {user.full_name},\n\n"
                    "Het wachtwoord van je account in MijnPortfolio is zojuist gewijzigd.\n"
                    "Heb je dit niet zelf gedaan? Vraag dan direct via 'Wachtwoord vergeten' een nieuw "
                    "wachtwoord aan en meld het bij de beheerder van je school.\n"
                ),
            ),
        )
        uow.commit()
