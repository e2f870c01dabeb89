"""Logging in, password reset and invitations."""

from __future__ import annotations

import hashlib
import secrets
from typing import Callable

import attrs

from mijnportfolio.domain.errors import InvalidCredentials, TokenInvalid, WeakPassword
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.organisations import User
from mijnportfolio.domain.tokens import LIFETIMES, TokenPurpose, UserToken
from mijnportfolio.domain.values import is_valid_email

from .mail import queue_mail
from .ports.common import Clock, PasswordHasher
from .ports.unit_of_work import UnitOfWork, saved_id

MIN_PASSWORD_LENGTH = 8

_dummy_hashes: dict[int, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A real hash to verify against for unknown accounts, so that a failed login takes the
    same time whether or not the account exists."""
    key = id(hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


@attrs.frozen
class LoggedInUser:
    id: int
    email: str
    role: str
    organisation_id: int | None
    full_name: str
    language: str


def _session_view(user: User) -> LoggedInUser:
    return LoggedInUser(
        id=saved_id(user.id), email=user.email, role=user.role.value, organisation_id=user.organisation_id,
        full_name=user.full_name, language=user.language,
    )


def authenticate(uow: UnitOfWork, hasher: PasswordHasher, clock: Clock, email: str, password: str) -> LoggedInUser:
    """Check e-mail and password. Unknown, wrong and inactive all raise the same error."""
    with uow:
        user = uow.users.get_by_email(email or "") if is_valid_email(email) else None
        if user is None or not user.password_hash:
            hasher.verify(_dummy_hash(hasher), password or "")
            raise InvalidCredentials()
        if not hasher.verify(user.password_hash, password or "") or not user.active:
            raise InvalidCredentials()
        renewed = hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
        uow.users.record_login(saved_id(user.id), clock.now(), password_hash=renewed)
        uow.commit()
        return _session_view(user)


def load_session_user(uow: UnitOfWork, user_id: int) -> LoggedInUser | None:
    """The logged-in user for a request, or None once deactivated (their session ends)."""
    with uow:
        user = uow.users.get(user_id)
        if user is None or not user.active:
            return None
        return _session_view(user)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(uow: UnitOfWork, clock: Clock, user: User, purpose: TokenPurpose) -> str:
    """Create a single-use token for ``user`` inside the caller's unit of work; returns the token."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    uow.tokens.add(
        UserToken(
            user_id=saved_id(user.id), purpose=purpose, token_hash=hash_token(token),
            created_at=now, expires_at=now + LIFETIMES[purpose],
        )
    )
    return token


def request_password_reset(uow: UnitOfWork, clock: Clock, email: str, reset_url: Callable[[str], str]) -> None:
    """Mail a reset link when an active account has this address; silently nothing otherwise."""
    if not is_valid_email(email):
        return
    with uow:
        user = uow.users.get_by_email(email)
        if user is None or not user.active:
            return
        queue_password_reset_mail(
            uow, clock, user, reset_url, reason="Er is gevraagd om je wachtwoord voor MijnPortfolio opnieuw in te stellen."
        )
        uow.commit()


def queue_password_reset_mail(
    uow: UnitOfWork, clock: Clock, user: User, reset_url: Callable[[str], str], *, reason: str
) -> None:
    """Issue a reset token and queue the e-mail with its link, inside the caller's unit of work."""
    token = issue_token(uow, clock, user, TokenPurpose.PASSWORD_RESET)
    queue_mail(
        uow,
        clock,
        EmailMessage(
            to=(user.email,),
            subject="Wachtwoord opnieuw instellen voor MijnPortfolio",
            body=(
                f"Beste {user.full_name},\n\n{reason}\n"
                f"Open deze link (één uur geldig, één keer te gebruiken):\n\n{reset_url(token)}\n\n"
                "Heb je dit niet gevraagd? Dan kun je dit bericht negeren.\n"
            ),
        ),
    )


def invitation_email(name: str, email: str, url: str) -> EmailMessage:
    """The one invitation e-mail: a new user (staff or student) chooses a password by ``url``."""
    return EmailMessage(
        to=(email,),
        subject="Je account voor MijnPortfolio",
        body=(
            f"Beste {name},\n\n"
            "Er is een account voor je aangemaakt in MijnPortfolio, het examenplatform van je school.\n"
            f"Kies via deze link je wachtwoord (14 dagen geldig):\n\n{url}\n\n"
            f"Je logt daarna in met dit e-mailadres: {email}\n"
        ),
    )


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword()


def token_is_usable(uow: UnitOfWork, clock: Clock, token: str) -> bool:
    with uow:
        found = uow.tokens.get_by_hash(hash_token(token or ""))
        return found is not None and found.used_at is None and clock.now() < found.expires_at


def set_password_with_token(
    uow: UnitOfWork, hasher: PasswordHasher, clock: Clock, token: str, password: str
) -> None:
    """Use a reset or invitation token once to set a new password."""
    check_password(password)
    with uow:
        found = uow.tokens.get_by_hash(hash_token(token or ""))
        if found is None:
            raise TokenInvalid()
        found.use(clock.now())
        user = uow.users.get(found.user_id)
        if user is None or not user.active:
            raise TokenInvalid()
        user.password_hash = hasher.hash(password)
        uow.commit()
