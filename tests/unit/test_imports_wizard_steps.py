"""The import wizard's steps with in-memory fakes: the state each step leaves, and its refusals."""

from __future__ import annotations

import attrs
import pytest

from mijnportfolio.application.imports import wizard
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.imports import GroupChoiceRequired, ImportAlreadyRun, NothingToImport
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from tests.unit.fakes import FakeClock, FakeFileStore, FakeUnitOfWorkFactory

HEADERS = ["Stamnr", "Roepnaam", "Tussenv.", "Achternaam", "E-mailadres", "Opleiding", "Mentor", "Klas"]
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


@attrs.define
class Wizard:
    """One school with a programme and a supervisor, and the ports the wizard needs."""

    uow: FakeUnitOfWorkFactory
    organisation_id: int
    clock: FakeClock = attrs.field(factory=FakeClock)
    files: FakeFileStore = attrs.field(factory=FakeFileStore)
    reader: ListReader | None = None

    def start(self, *rows: list[str], header_row: int = 1) -> str:
        table = Table(HEADERS, [(i, row) for i, row in enumerate(rows, start=1)], header_row=header_row)
        self.reader = ListReader(table)
        return wizard.start_import(self.uow(), ADMIN, self.clock, self.files, self.reader,
                                   organisation_id=self.organisation_id, filename="export.csv", data=b"x")

    def mapping(self, session_id: str) -> str:
        view = wizard.get_session(self.uow(), ADMIN, session_id)
        return wizard.save_mapping(self.uow(), ADMIN, self.clock, self.files, self.reader, session_id, view.mapping)

    def ambiguities(self, session_id: str):
        return wizard.list_ambiguities(self.uow(), ADMIN, self.files, self.reader, session_id)

    def resolve(self, session_id: str, choices: dict[str, str]) -> None:
        wizard.save_resolutions(self.uow(), ADMIN, self.clock, self.files, self.reader, session_id, choices)

    def preview(self, session_id: str):
        return wizard.preview(self.uow(), ADMIN, self.files, self.reader, session_id)

    def run(self, session_id: str, *, update_existing: bool = False):
        return wizard.run_import(self.uow(), ADMIN, self.clock, self.files, self.reader, session_id,
                                 update_existing=update_existing)

    def stored_state(self, session_id: str) -> dict:
        return self.uow.setup().import_sessions.get(session_id).state


@pytest.fixture
def school() -> Wizard:
    factory = FakeUnitOfWorkFactory()
    with factory.setup() as uow:
        organisation = Organisation(name="ROC Test")
        uow.organisations.add(organisation)
        uow.programmes.add(Programme(name="Verzorgende-IG", crebo="25491", level=3))
        uow.users.add(User(email="bas@roc.nl", role=Role.SUPERVISOR, first_name="Bas", infix="de",
                           last_name="Begeleider", organisation_id=organisation.id))
        uow.commit()
    return Wizard(factory, organisation.id)


GOOD = ["00123", "Fleur", "van der", "Berg", "fleur@roc.nl", "25491", "Bas de Begeleider", ""]


def test_a_run_walks_the_steps_and_stores_its_state_as_json(school):
    session_id = school.start(GOOD)
    state = school.stored_state(session_id)
    assert state["rows"] == 1 and state["headers"] == HEADERS and state["mapping"]["student_number"] == 0
    assert school.mapping(session_id) == "preview"
    assert school.preview(session_id).create_count == 1
    result = school.run(session_id)
    assert result.summary_line() == "created=1 updated=0 skipped=0 errors=0"
    assert school.stored_state(session_id)["result"]["created"] == 1
    # Running it again (a second tab) imports nothing more and reports the same.
    assert school.run(session_id).summary_line() == result.summary_line()
    assert school.files.files == {}


def test_a_run_that_has_been_imported_refuses_new_choices(school):
    session_id = school.start(GOOD)
    school.mapping(session_id)
    school.run(session_id)
    with pytest.raises(ImportAlreadyRun, match="Deze import is al uitgevoerd"):
        school.mapping(session_id)
    with pytest.raises(ImportAlreadyRun):
        school.resolve(session_id, {})
    with pytest.raises(ImportAlreadyRun):
        wizard.set_options(school.uow(), ADMIN, school.clock, session_id, update_existing=True, invite=False)


WITH_NEW_GROUP = ["00124", "Sem", "", "Smit", "sem@roc.nl", "25491", "bas@roc.nl", "Nieuwe groep"]


def test_an_unknown_group_waits_for_the_users_choice(school):
    session_id = school.start(GOOD, WITH_NEW_GROUP)
    assert school.mapping(session_id) == "resolve"
    (group,) = school.ambiguities(session_id)
    assert (group.kind, group.value, group.choice) == ("group", "Nieuwe groep", None)
    assert {o.value for o in group.options} >= {"create", "none", "skip"}
    before = school.stored_state(session_id)
    with pytest.raises(GroupChoiceRequired, match="Kies wat er moet gebeuren met de nieuwe deelnemergroep 'Nieuwe groep'"):
        school.resolve(session_id, {group.key: ""})
    with pytest.raises(GroupChoiceRequired):
        school.resolve(session_id, {group.key: "id:12345"})  # not one of its options
    assert school.stored_state(session_id) == before
    # Until it is chosen, nothing is previewed or imported.
    with pytest.raises(GroupChoiceRequired):
        school.preview(session_id)
    with pytest.raises(GroupChoiceRequired):
        school.run(session_id)
    assert school.uow.setup().students.all() == [] and school.uow.setup().groups.all() == []

    school.resolve(session_id, {group.key: "none"})
    assert school.run(session_id).summary_line() == "created=2 updated=0 skipped=0 errors=0"
    assert school.uow.setup().groups.all() == []


def test_a_chosen_group_is_created(school):
    session_id = school.start(WITH_NEW_GROUP)
    school.mapping(session_id)
    (group,) = school.ambiguities(session_id)
    school.resolve(session_id, {group.key: "create"})
    assert school.preview(session_id).groups_to_create == ["Nieuwe groep"]
    assert school.run(session_id).groups_created == ("Nieuwe groep",)


def test_an_import_that_would_do_nothing_is_refused_and_stores_nothing(school):
    session_id = school.start(["00125", "Zonder", "", "Mail", "", "25491", "bas@roc.nl", ""])
    school.mapping(session_id)
    preview = school.preview(session_id)
    assert (preview.create_count, preview.error_count, preview.can_import) == (0, 1, False)
    before = school.stored_state(session_id)
    with pytest.raises(NothingToImport, match="Er is niets om te importeren"):
        school.run(session_id)
    assert school.stored_state(session_id) == before
    assert school.uow.setup().import_sessions.get(session_id).step == "preview"
    assert school.uow.setup().import_mappings.get(school.organisation_id) is None


def test_existing_students_alone_are_imported_only_when_updating_is_chosen(school):
    first = school.start(GOOD)
    school.mapping(first)
    school.run(first)
    session_id = school.start(GOOD)
    school.mapping(session_id)
    assert school.preview(session_id).can_import is False
    with pytest.raises(NothingToImport, match="er zijn geen nieuwe studenten"):
        school.run(session_id)
    wizard.set_options(school.uow(), ADMIN, school.clock, session_id, update_existing=True, invite=False)
    assert school.preview(session_id).can_import is True
    assert school.run(session_id, update_existing=True).summary_line() == "created=0 updated=1 skipped=0 errors=0"
