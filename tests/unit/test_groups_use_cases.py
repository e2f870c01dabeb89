"""Participant groups and bulk actions with in-memory fakes."""

import pytest

from mijnportfolio.application.groups import (
    ADD,
    REMOVE,
    BulkSelection,
    GroupData,
    apply_bulk_action,
    bulk_add_to_group,
    bulk_remove_from_group,
    create_group,
    delete_group,
    get_group,
    preview_bulk_action,
    update_group,
)
from mijnportfolio.application.ports.students import StudentListFilters
from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DuplicateName,
    GroupNotEmpty,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor, StudentScope
from mijnportfolio.domain.students import Student
from tests.unit.fakes import FakeUnitOfWorkFactory

ADMIN = Actor(user_id=1, role=Role.ADMIN)


class FakeStudentListQuery:
    """Answers ids() from the fake student repository, applying scope and a cohort filter."""

    def __init__(self, factory: FakeUnitOfWorkFactory) -> None:
        self.factory = factory

    def _visible(self, scope: StudentScope, student) -> bool:
        if scope.nothing:
            return False
        if scope.organisation_id is not None and student.organisation_id != scope.organisation_id:
            return False
        if scope.linked_user_id is not None and scope.linked_user_id not in student.linked_staff_ids():
            return False
        return scope.own_user_id is None or student.user.id == scope.own_user_id

    def ids(self, scope, filters, *, among=None):
        wanted = set(among) if among is not None else None
        return [
            s.id for s in self.factory().students.all()
            if self._visible(scope, s)
            and (wanted is None or s.id in wanted)
            and (filters.cohort is None or s.cohort == filters.cohort)
            and (filters.active is None or s.active == filters.active)
        ]


@pytest.fixture
def world():
    factory = FakeUnitOfWorkFactory()
    uow = factory.setup()
    org, other = Organisation(name="Testschool"), Organisation(name="Ander")
    uow.organisations.add(org)
    uow.organisations.add(other)
    supervisor = User(email="b@t.nl", role=Role.SUPERVISOR, last_name="B", organisation_id=org.id)
    supervisor2 = User(email="b2@t.nl", role=Role.SUPERVISOR, last_name="B2", organisation_id=org.id)
    uow.users.add(supervisor)
    uow.users.add(supervisor2)
    students = []
    for i in range(6):
        user = User(email=f"s{i}@t.nl", role=Role.STUDENT, last_name=f"S{i}", organisation_id=org.id)
        uow.users.add(user)
        student = Student(
            organisation_id=org.id, student_number=f"S{i}", user=user, programme_id=1,
            supervisor_id=supervisor.id if i < 4 else supervisor2.id, cohort="2025" if i % 2 else "2024",
        )
        uow.students.add(student)
        students.append(student)
    stranger_user = User(email="x@a.nl", role=Role.STUDENT, last_name="X", organisation_id=other.id)
    uow.users.add(stranger_user)
    stranger = Student(organisation_id=other.id, student_number="X1", user=stranger_user, programme_id=1,
                       supervisor_id=99)
    uow.students.add(stranger)
    uow.commit()
    return {
        "factory": factory, "query": FakeStudentListQuery(factory), "org": org, "other": other,
        "supervisor": Actor(user_id=supervisor.id, role=Role.SUPERVISOR, organisation_id=org.id),
        "students": students, "stranger": stranger,
    }


def group(world, name="Klas 1A", actor=ADMIN, organisation=None, category="Klas"):
    org_id = (organisation or world["org"]).id
    return create_group(world["factory"](), actor, GroupData(org_id, name, category, None))


def members(world, group_id):
    return sorted(s.student_number for s in world["factory"]().students.all() if any(g.id == group_id for g in s.groups))


def test_a_group_name_is_unique_within_its_organisation_only(world):
    group(world)
    with pytest.raises(DuplicateName) as info:
        group(world, name=" klas 1a ")
    assert info.value.field == "name"
    group(world, organisation=world["other"])


def test_a_supervisor_creates_groups_in_their_own_organisation_only(world):
    gid = create_group(world["factory"](), world["supervisor"], GroupData(world["other"].id, "Eigen", None, None))
    assert world["factory"]().groups.get(gid).organisation_id == world["org"].id


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EXAMINER, Role.STUDENT])
def test_others_may_not_manage_groups(world, role):
    with pytest.raises(PermissionDenied):
        group(world, actor=Actor(user_id=5, role=role, organisation_id=world["org"].id))


def test_bulk_add_then_remove_counts_what_changed(world):
    gid = group(world)
    ids = tuple(s.id for s in world["students"][:3])
    result = bulk_add_to_group(world["factory"](), world["query"], ADMIN, gid, BulkSelection(student_ids=ids))
    assert (result.changed, result.unchanged) == (3, 0)
    assert result.message == "3 studenten toegevoegd aan deelnemergroep Klas 1A."
    again = bulk_add_to_group(world["factory"](), world["query"], ADMIN, gid, BulkSelection(student_ids=ids[:2]))
    assert (again.changed, again.unchanged) == (0, 2)
    removed = bulk_remove_from_group(world["factory"](), world["query"], ADMIN, gid, BulkSelection(student_ids=ids[1:2]))
    assert removed.changed == 1 and members(world, gid) == ["S0", "S2"]


def test_all_matching_uses_the_filters(world):
    gid = group(world)
    selection = BulkSelection(all_matching=True, filters=StudentListFilters(cohort="2025"))
    preview = preview_bulk_action(world["factory"](), world["query"], ADMIN, ADD, gid, selection)
    assert preview.question == "Weet je zeker dat je 3 studenten wilt toevoegen aan groep Klas 1A?"
    apply_bulk_action(world["factory"](), world["query"], ADMIN, ADD, gid, selection)
    assert members(world, gid) == ["S1", "S3", "S5"]


def test_a_supervisor_can_only_add_students_they_can_see(world):
    gid = group(world, actor=world["supervisor"])
    everyone = tuple(s.id for s in world["students"]) + (world["stranger"].id,)
    result = bulk_add_to_group(world["factory"](), world["query"], world["supervisor"], gid, BulkSelection(student_ids=everyone))
    assert result.changed == 4 and members(world, gid) == ["S0", "S1", "S2", "S3"]


def test_students_of_another_organisation_are_skipped(world):
    gid = group(world)
    result = bulk_add_to_group(
        world["factory"](), world["query"], ADMIN, gid,
        BulkSelection(student_ids=(world["students"][0].id, world["stranger"].id)),
    )
    assert (result.changed, result.skipped) == (1, 1)
    assert "overgeslagen" in result.message


def test_a_supervisor_does_not_see_groups_of_another_organisation(world):
    foreign = group(world, organisation=world["other"])
    with pytest.raises(NotFound):
        bulk_add_to_group(world["factory"](), world["query"], world["supervisor"], foreign,
                          BulkSelection(student_ids=(world["students"][0].id,)))


@pytest.mark.parametrize(
    "action, group_id, selection, message",
    [
        ("", 1, BulkSelection(student_ids=(1,)), "Kies een actie."),
        (ADD, None, BulkSelection(student_ids=(1,)), "Kies een deelnemergroep."),
        (REMOVE, "group", BulkSelection(), "Selecteer eerst een of meer studenten."),
    ],
)
def test_an_incomplete_bulk_action_explains_itself(world, action, group_id, selection, message):
    gid = group(world) if group_id == "group" else group_id
    with pytest.raises(InvalidValue) as info:
        preview_bulk_action(world["factory"](), world["query"], ADMIN, action, gid, selection)
    assert info.value.message == message


def test_a_group_with_members_needs_confirmation_to_delete(world):
    gid = group(world)
    bulk_add_to_group(world["factory"](), world["query"], ADMIN, gid, BulkSelection(student_ids=(world["students"][0].id,)))
    with pytest.raises(GroupNotEmpty) as info:
        delete_group(world["factory"](), ADMIN, gid)
    assert "1 deelnemer" in info.value.message
    assert delete_group(world["factory"](), ADMIN, gid, confirm=True) == ("Klas 1A", 1)
    assert world["factory"]().groups.get(gid) is None


def test_an_empty_group_is_deleted_without_confirmation(world):
    gid = group(world)
    delete_group(world["factory"](), ADMIN, gid)
    assert world["factory"]().groups.get(gid) is None


def test_a_group_is_renamed_but_not_onto_another_name(world):
    gid = group(world)
    group(world, name="Klas 1B")
    update_group(world["factory"](), ADMIN, gid, GroupData(None, "Klas 1C", None, "Nieuw"))
    assert world["factory"]().groups.get(gid).name == "Klas 1C"
    with pytest.raises(DuplicateName):
        update_group(world["factory"](), ADMIN, gid, GroupData(None, "Klas 1B", None, None))


def test_a_rename_on_a_form_loaded_before_someone_else_saved_is_refused(world):
    gid = group(world)
    loaded = get_group(world["factory"](), ADMIN, gid).version
    update_group(world["factory"](), ADMIN, gid, GroupData(None, "Klas 1B", "Klas", None), expected_version=loaded)
    world["factory"].store.tables["groups"][gid].version += 1  # what the database does on commit
    with pytest.raises(ConcurrentModification):
        update_group(world["factory"](), ADMIN, gid, GroupData(None, "Klas 1C", None, None), expected_version=loaded)
    assert world["factory"]().groups.get(gid).name == "Klas 1B"


def test_without_any_student_chosen_the_selection_is_asked_for_before_the_group(world):
    for action, group_id in ((ADD, None), ("", None), (REMOVE, None)):
        with pytest.raises(InvalidValue) as info:
            preview_bulk_action(world["factory"](), world["query"], ADMIN, action, group_id, BulkSelection())
        assert info.value.message == "Selecteer eerst een of meer studenten."
        with pytest.raises(InvalidValue) as info:
            apply_bulk_action(world["factory"](), world["query"], ADMIN, action, group_id, BulkSelection())
        assert info.value.message == "Selecteer eerst een of meer studenten."


def test_the_confirmation_names_the_students(world):
    gid = group(world)
    ids = tuple(s.id for s in world["students"][:2])
    preview = preview_bulk_action(world["factory"](), world["query"], ADMIN, ADD, gid, BulkSelection(student_ids=ids))
    assert preview.names == ("S0 (S0)", "S1 (S1)")
    assert preview.more == 0


def test_the_confirmation_names_the_first_twenty_and_counts_the_rest(world):
    factory = world["factory"]
    uow = factory.setup()
    for i in range(30):
        user = User(email=f"extra{i}@t.nl", role=Role.STUDENT, first_name="Extra", last_name=f"{i:02d}",
                    organisation_id=world["org"].id)
        uow.users.add(user)
        uow.students.add(Student(organisation_id=world["org"].id, student_number=f"E{i:02d}", user=user,
                                 programme_id=1, supervisor_id=1))
    uow.commit()
    gid = group(world)
    preview = preview_bulk_action(factory(), world["query"], ADMIN, ADD, gid, BulkSelection(all_matching=True))
    assert preview.count == 37  # the six of the fixture, the stranger and thirty more
    assert len(preview.names) == 20 and preview.more == 17
