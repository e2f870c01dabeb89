"""The import service (the CLI path) with in-memory fakes: what is created, refused and updated."""

from __future__ import annotations

import attrs
import pytest

from mijnportfolio.application.imports.command_line import import_file
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.errors import PermissionDenied
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from tests.unit.fakes import FakeClock, FakeUnitOfWorkFactory

HEADERS = ["Studentnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Opleiding", "Praktijkbegeleider", "Groepen"]
ADMIN = Actor(user_id=999, role=Role.ADMIN)


@attrs.frozen
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    kind: str = "csv"
    header_row: int = 1


class ListReader:
    """A reader that hands back a prepared table, whatever the bytes."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def read(self, data: bytes, filename: str) -> Table:
        return self.table


@pytest.fixture
def school():
    factory = FakeUnitOfWorkFactory()
    with factory() as uow:
        organisation = Organisation(name="ROC Test")
        uow.organisations.add(organisation)
        uow.programmes.add(Programme(name="Verzorgende-IG", crebo="25491", level=3))
        uow.users.add(User(email="bas@roc.nl", role=Role.SUPERVISOR, first_name="Bas", infix="de",
                           last_name="Begeleider", organisation_id=organisation.id))
        uow.commit()
    return factory


def _import(factory, rows, **options):
    table = Table(HEADERS, [(i, row) for i, row in enumerate(rows, start=1)])
    return import_file(factory(), ADMIN, FakeClock(), ListReader(table), organisation_name="ROC Test",
                       filename="studenten.csv", data=b"", **options)


def test_good_rows_are_created_with_their_group_and_a_bad_row_is_refused_with_its_row_number(school):
    result = _import(school, [
        ["007", "Ömer", "van der", "Berg", "omer@roc.nl", "Verzorgende-IG", "Bas de Begeleider", "VIG-3A"],
        ["008", "Zoë", "", "", "zoe@roc.nl", "Verzorgende-IG", "bas@roc.nl", ""],
    ])
    assert result.summary_line() == "created=1 updated=0 skipped=0 errors=1"
    assert result.errors[0].row_number == 2
    uow = school()
    student = uow.students.get_by_number(1, "007")
    assert student.user.infix == "van der" and student.user.email == "omer@roc.nl"
    assert {g.name for g in student.groups} == {"VIG-3A"}


def test_a_dry_run_reports_the_same_counts_and_stores_nothing(school):
    result = _import(school, [["1", "A", "", "Aa", "a@roc.nl", "25491", "bas@roc.nl", ""]], dry_run=True)
    assert (result.created, len(result.errors)) == (1, 0)
    assert school().students.all() == []


def test_an_unknown_supervisor_refuses_only_that_row(school):
    result = _import(school, [
        ["1", "A", "", "Aa", "a@roc.nl", "25491", "niemand@roc.nl", ""],
        ["2", "B", "", "Bb", "b@roc.nl", "25491", "bas@roc.nl", ""],
    ])
    assert (result.created, [e.row_number for e in result.errors]) == (1, [1])


def test_an_existing_student_number_is_skipped_unless_updates_are_asked_for(school):
    _import(school, [["1", "A", "", "Aa", "a@roc.nl", "25491", "bas@roc.nl", ""]])
    again = [["1", "Anna", "", "Aa", "a@roc.nl", "25491", "bas@roc.nl", ""]]
    assert _import(school, again).summary_line() == "created=0 updated=0 skipped=1 errors=0"
    assert _import(school, again, update_existing=True).updated == 1
    assert school().students.get_by_number(1, "1").user.first_name == "Anna"


def test_only_admins_may_import(school):
    supervisor = Actor(user_id=1, role=Role.SUPERVISOR, organisation_id=1)
    table = Table(HEADERS, [])
    with pytest.raises(PermissionDenied):
        import_file(school(), supervisor, FakeClock(), ListReader(table), organisation_name="ROC Test",
                    filename="x.csv", data=b"")
