"""The demo data of product.md section 6 (``mijnportfolio seed-demo``). Never in production."""

from __future__ import annotations

from mijnportfolio.domain.organisations import Organisation, Role, User

from .ports import Clock, PasswordHasher, UnitOfWorkFactory

DEMO_PASSWORD = "demo1234"
DEMO_ORGANISATION = "Demo ROC"

DEMO_STAFF = (
    ("admin@demo.nl", Role.ADMIN, "Anna", None, "Beheer"),
    ("begeleider@demo.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider"),
    ("examinator@demo.nl", Role.EXAMINER, "Eva", "van", "Examinator"),
    ("examinator2@demo.nl", Role.EXAMINER, "Erik", None, "Tweede"),
    ("opleider@demo.nl", Role.TRAINER, "Olga", None, "Opleider"),
)


class DemoRefused(RuntimeError):
    """Demo accounts with a known password must never exist in production."""


def seed_demo(uow_factory: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, *, production: bool) -> str:
    """Create the demo organisation and accounts; running it again changes nothing."""
    if production:
        raise DemoRefused(
            "seed-demo is geweigerd: MIJNPORTFOLIO_ENV=production. Demo-accounts met een bekend "
            "wachtwoord horen niet in productie."
        )
    password_hash = hasher.hash(DEMO_PASSWORD)
    with uow_factory() as uow:
        organisation = uow.organisations.get_by_name(DEMO_ORGANISATION)
        if organisation is None:
            organisation = Organisation(name=DEMO_ORGANISATION, examiners_may_plan=True)
            uow.organisations.add(organisation)
            uow.flush()
        staff: dict[str, User] = {}
        for email, role, first, infix, last in DEMO_STAFF:
            user = uow.users.get_by_email(email)
            if user is None:
                user = User(
                    email=email, role=role, first_name=first, infix=infix, last_name=last,
                    organisation_id=None if role is Role.ADMIN else organisation.id,
                    password_hash=password_hash, created_at=clock.now(),
                )
                uow.users.add(user)
            staff[email] = user
        uow.flush()
        extra = _seed_catalogue_and_students(uow, clock, organisation, staff, password_hash)
        uow.commit()
    return f"Demodata geladen: organisatie '{DEMO_ORGANISATION}', wachtwoord '{DEMO_PASSWORD}'.{extra}"


def _seed_catalogue_and_students(uow, clock, organisation, staff, password_hash) -> str:
    """Programme, exam, groups and students (catalogue issue)."""
    return ""
