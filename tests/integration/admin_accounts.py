"""Accounts for the auth/admin/mail tests, made through the use cases (independent of the
full demo seed, so that these tests only depend on the foundation)."""

from __future__ import annotations

from mijnportfolio.application.organisations import (
    OrganisationData,
    StaffData,
    create_admin,
    create_organisation,
    create_staff_user,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor

PASSWORD = "demo1234"


def seed_accounts(app) -> dict[str, int]:
    """Organisation "Demo ROC" with an admin, a supervisor, an examiner and a trainer."""
    c = app.extensions["container"]
    ids: dict[str, int] = {}
    ids["admin@demo.nl"] = create_admin(c.uow(), c.clock(), c.hasher(), "admin@demo.nl", PASSWORD)
    admin = Actor(ids["admin@demo.nl"], Role.ADMIN)
    ids["org"] = create_organisation(c.uow(), admin, OrganisationData("Demo ROC", True))
    for email, role, first, infix, last in (
        ("begeleider@demo.nl", "supervisor", "Bas", "de", "Begeleider"),
        ("examinator@demo.nl", "examiner", "Eva", "van", "Examinator"),
        ("opleider@demo.nl", "trainer", "Olga", None, "Opleider"),
    ):
        ids[email] = create_staff_user(
            c.uow(), admin, c.clock(), c.hasher(),
            StaffData(email, role, first, infix, last, ids["org"]), password=PASSWORD,
        )
    return ids
