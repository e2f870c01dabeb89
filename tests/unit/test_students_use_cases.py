"""Use cases of students with in-memory fakes: enter, edit, deactivate, portfolio visibility."""

import pytest

from mijnportfolio.application.students import (
    StudentData,
    create_student,
    get_own_portfolio,
    get_student_portfolio,
    send_student_invitation,
    set_student_active,
    student_data_for_edit,
    update_student,
)
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.errors import (
    AccountInactive,
    ConcurrentModification,
    DuplicateEmail,
    DuplicateStudentNumber,
    InvalidValue,
    NotFound,
    PermissionDenied,
    SupervisorRequired,
)
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import StudentDataInvalid
from tests.unit.fakes import FakeClock, FakeUnitOfWorkFactory

ADMIN = Actor(user_id=1, role=Role.ADMIN)


@pytest.fixture
def world():
    factory = FakeUnitOfWorkFactory()
    uow = factory.setup()
    org, other = Organisation(name="Testschool"), Organisation(name="Ander")
    uow.organisations.add(org)
    uow.organisations.add(other)
    programme = Programme(name="VIG", crebo="25491", level=3)
    uow.programmes.add(programme)
    people = {}
    for key, role, org_id in (
        ("supervisor", Role.SUPERVISOR, org.id), ("supervisor2", Role.SUPERVISOR, org.id),
        ("trainer", Role.TRAINER, org.id), ("trainer2", Role.TRAINER, org.id),
        ("examiner", Role.EXAMINER, org.id), ("foreign", Role.SUPERVISOR, other.id),
    ):
        user = User(email=f"{key}@t.nl", role=role, last_name=key, organisation_id=org_id)
        uow.users.add(user)
        people[key] = user
    uow.commit()
    return factory, org, other, programme, people


def data(world, **changes):
    _, org, _, programme, people = world
    values = dict(
        organisation_id=org.id, student_number="00123", first_name="Fleur", infix="van der", last_name="Berg",
        email="Fleur@Student.nl", programme_id=programme.id, supervisor_id=people["supervisor"].id,
        trainer_id=people["trainer"].id, cohort="2025",
    )
    values.update(changes)
    return StudentData(**values)


def create(world, **changes):
    factory = world[0]
    return create_student(factory(), ADMIN, FakeClock(), data(world, **changes), invitation_url=lambda t: f"/t/{t}")


def test_a_new_student_is_a_user_with_role_student_and_gets_an_invitation(world):
    factory = world[0]
    student_id = create(world)
    uow = factory()
    student = uow.students.get(student_id)
    assert student.student_number == "00123"
    assert student.user.role is Role.STUDENT and student.user.email == "fleur@student.nl"
    assert student.user.password_hash is None and student.user.sort_name.startswith("berg")
    assert uow.outbox.pending_count() == 1
    assert "Je account voor MijnPortfolio" == uow.outbox.all()[0].subject
    assert factory.commits == 1


def test_an_open_organisation_is_taken_from_the_supervisor(world):
    factory, _, other, _, people = world
    student_id = create(world, organisation_id=None, supervisor_id=people["foreign"].id, trainer_id=None)
    assert factory().students.get(student_id).organisation_id == other.id


def test_without_organisation_and_supervisor_nothing_is_stored(world):
    factory = world[0]
    with pytest.raises(StudentDataInvalid) as info:
        create(world, organisation_id=None, supervisor_id=None, trainer_id=None)
    assert {"organisation_id", "supervisor_id"} <= set(info.value.by_field)
    assert factory.commits == 0


@pytest.mark.parametrize(
    "changes, error, field",
    [
        ({"supervisor_id": None}, SupervisorRequired, "supervisor_id"),
        ({"programme_id": None}, InvalidValue, "programme_id"),
        ({"programme_id": 999}, InvalidValue, "programme_id"),
        ({"last_name": " "}, InvalidValue, "last_name"),
        ({"email": "nee"}, InvalidValue, "email"),
        ({"student_number": ""}, InvalidValue, "student_number"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_committed(world, changes, error, field):
    factory = world[0]
    with pytest.raises(error) as info:
        create(world, **changes)
    assert info.value.field == field
    assert factory.commits == 0


def test_the_supervisor_must_be_a_supervisor_of_the_same_organisation(world):
    people = world[4]
    for wrong in ("foreign", "trainer", "examiner"):
        with pytest.raises(InvalidValue) as info:
            create(world, supervisor_id=people[wrong].id)
        assert info.value.field == "supervisor_id"


def test_the_trainer_must_be_an_active_trainer_of_the_same_organisation(world):
    people = world[4]
    world[0].store.tables["users"][people["trainer2"].id].active = False  # deactivated since
    with pytest.raises(InvalidValue) as info:
        create(world, trainer_id=people["trainer2"].id)
    assert info.value.field == "trainer_id"


def test_duplicates_are_refused(world):
    create(world)
    with pytest.raises(DuplicateStudentNumber):
        create(world, email="ander@student.nl")
    with pytest.raises(DuplicateEmail):
        create(world, student_number="999")
    with pytest.raises(DuplicateEmail):
        create(world, student_number="998", email="supervisor@t.nl")  # e-mail unique across all users


def test_the_same_number_is_allowed_in_another_organisation(world):
    _, _, other, _, people = world
    first = create(world)
    second = create(world, organisation_id=other.id, email="b@s.nl", supervisor_id=people["foreign"].id, trainer_id=None)
    stored = world[0]().students
    assert stored.get(first).student_number == stored.get(second).student_number == "00123"
    assert (stored.get(first).organisation_id, stored.get(second).organisation_id) == (world[1].id, other.id)


def test_several_problems_are_reported_at_once_by_field(world):
    with pytest.raises(StudentDataInvalid) as info:
        create(world, supervisor_id=None, last_name="", email="x")
    assert set(info.value.by_field) == {"supervisor_id", "last_name", "email"}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.TRAINER, Role.EXAMINER, Role.STUDENT])
def test_only_admins_enter_students(world, role):
    actor = Actor(user_id=2, role=role, organisation_id=world[1].id)
    with pytest.raises(PermissionDenied):
        create_student(world[0](), actor, FakeClock(), data(world))


def test_edit_keeps_own_number_and_email_and_refuses_anothers(world):
    first = create(world)
    create(world, student_number="2", email="twee@s.nl")
    factory = world[0]
    update_student(factory(), ADMIN, first, data(world, last_name="Bergsma"))
    assert factory().students.get(first).user.last_name == "Bergsma"
    with pytest.raises(DuplicateStudentNumber):
        update_student(factory(), ADMIN, first, data(world, student_number="2"))


def test_an_unchanged_link_to_a_since_deactivated_supervisor_does_not_block_an_edit(world):
    sid = create(world)
    people = world[4]
    world[0].store.tables["users"][people["supervisor"].id].active = False  # deactivated since
    update_student(world[0](), ADMIN, sid, data(world, cohort="2026"))
    with pytest.raises(InvalidValue):
        create(world, student_number="3", email="drie@s.nl")  # but nobody new is linked to them


def test_deactivating_a_student_deactivates_the_login(world):
    sid = create(world)
    set_student_active(world[0](), ADMIN, sid, False)
    student = world[0]().students.get(sid)
    assert student.active is False and student.user.active is False
    with pytest.raises(AccountInactive):
        send_student_invitation(world[0](), ADMIN, FakeClock(), sid, lambda t: t)


def test_the_portfolio_is_visible_to_linked_staff_and_404_for_others(world):
    _, org, _, _, people = world
    sid = create(world)
    factory = world[0]
    for key in ("supervisor", "trainer"):
        actor = Actor(user_id=people[key].id, role=people[key].role, organisation_id=org.id)
        portfolio = get_student_portfolio(factory(), actor, sid)
        assert portfolio.display_name == "Fleur van der Berg"
        assert [s.role_label for s in portfolio.staff] == ["Praktijkbegeleider", "Praktijkopleider"]
    for key in ("supervisor2", "trainer2", "examiner", "foreign"):
        actor = Actor(user_id=people[key].id, role=people[key].role, organisation_id=people[key].organisation_id)
        with pytest.raises(NotFound):
            get_student_portfolio(factory(), actor, sid)
    with pytest.raises(NotFound):
        get_student_portfolio(factory(), ADMIN, 12345)


def test_a_student_sees_their_own_portfolio(world):
    sid = create(world)
    user = world[0]().students.get(sid).user
    me = Actor(user_id=user.id, role=Role.STUDENT, organisation_id=world[1].id)
    assert get_own_portfolio(world[0](), me).student_number == "00123"
    assert get_student_portfolio(world[0](), me, sid).may_manage is False


def test_a_change_that_is_not_committed_is_not_kept(world):
    """The fakes behave as a database: only a committed unit of work changes what others see."""
    factory = world[0]
    student_id = create(world)
    with factory() as uow:
        uow.students.get(student_id).cohort = "1999"
    assert factory().students.get(student_id).cohort == "2025"


def test_an_edit_of_a_form_loaded_before_someone_else_saved_is_refused_and_overwrites_nothing(world):
    factory = world[0]
    sid = create(world)
    loaded = student_data_for_edit(factory(), ADMIN, sid).version
    # The first tab saves; the database raises the version of the row it changed.
    update_student(factory(), ADMIN, sid, data(world, cohort="2026"), expected_version=loaded)
    factory.store.tables["students"][sid].version += 1
    with pytest.raises(ConcurrentModification) as info:
        update_student(factory(), ADMIN, sid, data(world, last_name="Te laat"), expected_version=loaded)
    assert "Iemand anders heeft dit tegelijk gewijzigd" in info.value.message
    student = factory().students.get(sid)
    assert (student.cohort, student.user.last_name) == ("2026", "Berg")


def test_a_change_of_only_the_name_or_e_mail_also_counts_as_a_change_of_the_student(world):
    factory = world[0]
    sid = create(world)
    loaded = student_data_for_edit(factory(), ADMIN, sid).version
    factory.store.tables["users"][factory().students.get(sid).user.id].version += 1  # only the user row changed
    assert student_data_for_edit(factory(), ADMIN, sid).version != loaded
    with pytest.raises(ConcurrentModification):
        update_student(factory(), ADMIN, sid, data(world, cohort="2030"), expected_version=loaded)


def test_an_edit_with_the_current_version_is_saved(world):
    factory = world[0]
    sid = create(world)
    current = student_data_for_edit(factory(), ADMIN, sid)
    update_student(factory(), ADMIN, sid, data(world, cohort="2027"), expected_version=current.version)
    assert factory().students.get(sid).cohort == "2027"
