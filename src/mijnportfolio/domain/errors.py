"""Domain errors: each is named after the rule it guards and carries a Dutch message for the UI."""

from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """A business rule was broken. ``message`` is shown to the user as is (Dutch)."""

    default_message = "De actie kon niet worden uitgevoerd."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists (answers 404)."""

    default_message = "Niet gevonden."


class PermissionDenied(DomainError):
    """The actor may see the thing but not perform this action on it (answers 403)."""

    default_message = "Je hebt geen toestemming voor deze actie."


class InvalidValue(DomainError):
    """A single value breaks its own rule (an e-mail address, a crebo code, a level)."""

    default_message = "Ongeldige waarde."


class ValidationErrors(DomainError):
    """Several values are wrong at once; ``errors`` lists each, nothing was stored."""

    default_message = "De invoer bevat fouten."

    def __init__(self, errors: list[str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors)


class DuplicateEmail(DomainError):
    """An e-mail address identifies one user across the whole platform."""

    default_message = "Dit e-mailadres is al in gebruik."


class DuplicateStudentNumber(DomainError):
    """A student number is unique within an organisation."""

    default_message = "Dit studentnummer bestaat al binnen deze organisatie."


class DuplicateName(DomainError):
    """Names that identify a record (organisation, group, programme) are unique in their scope."""

    default_message = "Deze naam is al in gebruik."


class SupervisorRequired(DomainError):
    """Every student is linked to exactly one supervisor (praktijkbegeleider)."""

    default_message = "Kies een praktijkbegeleider: een student moet altijd een praktijkbegeleider hebben."


class InvalidCredentials(DomainError):
    """Login failed; deliberately does not say whether the account exists or is inactive."""

    default_message = "Onjuist e-mailadres of wachtwoord."


class TokenInvalid(DomainError):
    """A password reset or invitation link is unknown, used or expired."""

    default_message = "Deze link is ongeldig of verlopen. Vraag een nieuwe aan."


class WeakPassword(DomainError):
    """Passwords have a minimum length."""

    default_message = "Het wachtwoord moet minstens 8 tekens lang zijn."


class ConcurrentModification(DomainError):
    """Someone else changed the record in the meantime; nothing was overwritten."""

    default_message = "Iemand anders heeft dit tegelijk gewijzigd. Laad de pagina opnieuw en probeer het nog eens."


class ConflictingWrite(DomainError):
    """The database refused the change because it would break a uniqueness rule; this happens
    when two people save the same new record at the same moment. Nothing was stored."""

    default_message = (
        "Dit kon niet worden opgeslagen: het gegeven bestaat al (mogelijk sloeg iemand anders het "
        "net tegelijk op). Er is niets gewijzigd; controleer de gegevens en probeer het opnieuw."
    )


class GroupNotEmpty(DomainError):
    """A participant group with members is only deleted after explicit confirmation."""

    default_message = "Deze deelnemergroep heeft nog deelnemers. Bevestig dat je de groep toch wilt verwijderen."


class CannotDeactivateYourself(DomainError):
    """An admin cannot deactivate their own account or take away their own admin rights: the
    platform would lose the person who is acting."""

    default_message = "Je kunt jezelf niet deactiveren."


class AccountInactive(DomainError):
    """A deactivated account gets no e-mail (invitation, password link) until it is activated."""

    default_message = "Dit account is gedeactiveerd. Activeer het eerst."


class FieldsInvalid(ValidationErrors):
    """Several fields of one form are wrong at once; nothing was stored.

    ``by_field`` maps a form field name to its message, so that the form shows each by its field
    (a message without a field is keyed by "")."""

    default_message = "De gegevens zijn niet opgeslagen: verbeter de gemarkeerde velden."

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__([e.message for e in errors])
        self.by_field: dict[str, str] = {}
        for error in errors:
            self.by_field.setdefault(error.field or "", error.message)


def raise_collected(errors: list[DomainError], collected: type[FieldsInvalid] = FieldsInvalid) -> None:
    """Raise nothing, the single error itself (its type names the broken rule), or all at once
    as ``collected``."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise collected(errors)


def check(errors: list[DomainError], rule: Callable[[], T]) -> T | None:
    """Run ``rule``; a broken rule is added to ``errors`` (and gives None) so that a form can
    report every problem at once."""
    try:
        return rule()
    except DomainError as exc:
        errors.append(exc)
        return None
