"""Shared data for the import tests: a programme and staff that the files refer to."""

from __future__ import annotations

from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.students import ParticipantGroup

from tests.helpers import NOW


def ensure_import_data(uow_factory, organisation_name: str = "Demo ROC") -> dict:
    """Organisation, programme Verzorgende-IG (25491), supervisor Bas de Begeleider, two
    supervisors both called 'Jan Smit' (an ambiguity), trainer Olga Opleider, group 'VIG-1A'."""
    with uow_factory() as uow:
        org = uow.organisations.get_by_name(organisation_name)
        if org is None:
            org = Organisation(name=organisation_name)
            uow.organisations.add(org)
            uow.flush()
        programme = uow.programmes.get_by_crebo("25491")
        if programme is None:
            programme = Programme(name="Verzorgende-IG", crebo="25491", level=3)
            uow.programmes.add(programme)
        people = {}
        for email, role, first, infix, last in (
            ("begeleider@demo.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider"),
            ("opleider@demo.nl", Role.TRAINER, "Olga", None, "Opleider"),
            ("jan.smit1@school.nl", Role.SUPERVISOR, "Jan", None, "Smit"),
            ("jan.smit2@school.nl", Role.SUPERVISOR, "Jan", None, "Smit"),
        ):
            user = uow.users.get_by_email(email)
            if user is None:
                user = User(email=email, role=role, first_name=first, infix=infix, last_name=last,
                            organisation_id=org.id, created_at=NOW)
                uow.users.add(user)
            people[email] = user
        if uow.groups.get_by_name(org.id, "VIG-1A") is None:
            uow.groups.add(ParticipantGroup(organisation_id=org.id, name="VIG-1A"))
        uow.flush()
        ids = {
            "organisation": org.id, "programme": programme.id,
            **{email: user.id for email, user in people.items()},
        }
        uow.commit()
    return ids


HEADER = "Studentnummer;Roepnaam;Voorvoegsel;Achternaam;E-mailadres;Opleiding;Praktijkbegeleider;Praktijkopleider;Klas;Cohort"


def semicolon_csv(*rows: str, bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join((HEADER, *rows)) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


GOOD_ROWS = (
    "000123;Zoë;van;Dijk;zoe.vandijk@example.nl;Verzorgende-IG;begeleider@demo.nl;Olga Opleider;VIG-1A, Nieuwe groep;01-09-2025",
    "000124;François;;Çelik;francois@example.nl;25491;Bas de Begeleider;;VIG-1A;2025",
)
AMBIGUOUS_ROW = "000125;Ans;;Jansen;ans@example.nl;Verzorgende-IG;Jan Smit;;;2025"
REFUSED_ROW = "000126;Piet;;Puk;geen-mailadres;Verzorgende-IG;begeleider@demo.nl;;;2025"
