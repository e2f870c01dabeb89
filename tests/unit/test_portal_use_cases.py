"""Use cases of the student portal with in-memory fakes: the own profile and photo, looking
along (who may, that it does not nest, that it ends and is recorded), and the own account."""

import datetime as dt

import pytest

from mijnportfolio.application.account import (
    ContactData,
    change_my_password,
    my_account,
    update_my_contact_details,
)
from mijnportfolio.application.impersonation import (
    impersonation_log,
    look_along_candidate,
    require_looking_at,
    start_looking_along,
    still_looking_along,
    stop_looking_along,
)
from mijnportfolio.application.portal import portal_student_id
from mijnportfolio.application.students import (
    ProfileData,
    student_photo,
    student_profile,
    update_own_profile,
)
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.errors import FieldsInvalid, InvalidValue, NotFound, PermissionDenied
from mijnportfolio.domain.impersonation import AlreadyLookingAlong, EndReason, LookAlongEnded
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import PhotoNotAccepted, PhotoTooLarge, Student, StudentDataInvalid
from tests.unit.fakes import FakeClock, FakeFileStore, FakePasswordHasher, FakeUnitOfWorkFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.clock = FakeClock()
        self.files = FakeFileStore()
        self.hasher = FakePasswordHasher()
        setup = self.uow.setup()
        org, other = Organisation(name="School"), Organisation(name="Elders")
        setup.organisations.add(org)
        setup.organisations.add(other)
        programme = Programme(name="VIG", crebo="25491", level=3)
        setup.programmes.add(programme)
        self.users: dict[str, User] = {}
        for key, role, org_id in (
            ("admin", Role.ADMIN, None), ("supervisor", Role.SUPERVISOR, org.id), ("supervisor2", Role.SUPERVISOR, org.id),
            ("trainer", Role.TRAINER, org.id), ("examiner", Role.EXAMINER, org.id), ("foreign", Role.SUPERVISOR, other.id),
        ):
            user = User(email=f"{key}@t.nl", role=role, first_name=key.title(), last_name="Staf", organisation_id=org_id,
                        password_hash=self.hasher.hash("oud-wachtwoord"))
            setup.users.add(user)
            self.users[key] = user
        self.students: dict[str, Student] = {}
        for key, supervisor, trainer in (("fleur", "supervisor", "trainer"), ("sam", "supervisor2", None)):
            user = User(email=f"{key}@student.nl", role=Role.STUDENT, first_name=key.title(), last_name="Student",
                        organisation_id=org.id, password_hash=self.hasher.hash("oud-wachtwoord"))
            setup.users.add(user)
            student = Student(organisation_id=org.id, student_number=f"S-{key}", user=user, programme_id=programme.id,
                              supervisor_id=self.users[supervisor].id, trainer_id=self.users[trainer].id if trainer else None)
            setup.students.add(student)
            self.students[key] = student
        setup.commit()

    def actor(self, key: str) -> Actor:
        user = self.users.get(key) or self.students[key].user
        return Actor(user_id=user.id, role=user.role, organisation_id=user.organisation_id)

    def student(self, key: str) -> Student:
        return self.uow.setup().students.get(self.students[key].id)

    def save(self, key: str = "fleur", *, photo=None, remove=False, version=None, **fields):
        data = ProfileData(**{"phone": "06-12345678", "street": "Dorpsstraat 1", "postcode": "1234ab", "city": "Utrecht",
                              "introduction": "Hallo", **fields})
        update_own_profile(self.uow(), self.files, self.actor(key), data, photo=photo, remove_photo=remove,
                           expected_version=version)


@pytest.fixture
def world() -> World:
    return World()


# -- the profile ---------------------------------------------------------------------------------


def test_a_student_saves_their_own_profile_with_a_photo(world):
    world.save(photo=PNG)
    student = world.student("fleur")
    assert (student.phone, student.street, student.postcode, student.city, student.introduction) == (
        "06-12345678", "Dorpsstraat 1", "1234 AB", "Utrecht", "Hallo")
    assert student.photo_type == "image/png" and world.files.read(student.photo_key) == PNG
    assert student.photo_key.endswith(".png")


def test_a_new_photo_replaces_the_old_one_in_the_store_and_removing_leaves_none(world):
    world.save(photo=PNG)
    first = world.student("fleur").photo_key
    world.save(photo=JPEG)
    second = world.student("fleur").photo_key
    assert first not in world.files.files and world.files.read(second) == JPEG
    world.save(remove=True)
    assert world.student("fleur").photo_key is None and world.files.files == {}


@pytest.mark.parametrize("photo, error", [(b"%PDF-1.4 not a photo", PhotoNotAccepted), (PNG + b"\x00" * 2 * 1024 * 1024, PhotoTooLarge)])
def test_a_refused_photo_stores_nothing_at_all(world, photo, error):
    world.save(photo=PNG, introduction="Eerst")
    before = world.student("fleur")
    with pytest.raises(error):
        world.save(photo=photo, introduction="Daarna")
    after = world.student("fleur")
    assert (after.introduction, after.photo_key) == ("Eerst", before.photo_key)
    assert list(world.files.files) == [before.photo_key]


def test_wrong_fields_and_a_wrong_photo_are_refused_together(world):
    with pytest.raises(StudentDataInvalid) as refused:
        world.save(postcode="12", photo=b"GIF89a")
    assert set(refused.value.by_field) == {"postcode", "photo"}
    assert world.files.files == {}


@pytest.mark.parametrize("who", ["supervisor", "admin", "trainer"])
def test_nobody_but_the_student_changes_the_profile(world, who):
    with pytest.raises(PermissionDenied):
        update_own_profile(world.uow(), world.files, world.actor(who), ProfileData(introduction="Namens jou"))
    assert world.student("fleur").introduction is None


def test_the_photo_is_served_to_whoever_may_see_the_student_and_to_no_one_else(world):
    world.save(photo=PNG)
    fleur = world.students["fleur"].id
    for who in ("fleur", "supervisor", "trainer", "admin"):
        assert student_photo(world.uow(), world.files, world.actor(who), fleur).content_type == "image/png"
    for who in ("sam", "supervisor2", "foreign", "examiner"):
        with pytest.raises(NotFound):
            student_photo(world.uow(), world.files, world.actor(who), fleur)
    with pytest.raises(NotFound):
        student_photo(world.uow(), world.files, world.actor("sam"), world.students["sam"].id)  # has none


# -- looking along -------------------------------------------------------------------------------


def start(world, who="supervisor", student="fleur", current=None):
    return start_looking_along(world.uow(), world.actor(who), world.clock, world.students[student].id, current)


@pytest.mark.parametrize("who", ["supervisor", "trainer", "admin"])
def test_linked_staff_and_admins_look_along_and_it_is_recorded(world, who):
    state = start(world, who)
    assert state.student_name == "Fleur Student" and state.expires_at == world.clock.now() + dt.timedelta(minutes=30)
    record = world.uow.setup().impersonations.get(state.record_id)
    assert (record.staff_user_id, record.student_id, record.started_at, record.ended_at) == (
        world.users[who].id, world.students["fleur"].id, world.clock.now(), None)


def test_a_student_one_may_not_see_is_not_found_and_one_seen_but_not_to_look_at_is_refused(world):
    for who in ("supervisor2", "foreign", "examiner", "sam"):
        with pytest.raises(NotFound):
            start(world, who)
    with pytest.raises(PermissionDenied):
        start(world, "fleur")  # a student does not look along, not even with themselves
    with pytest.raises(NotFound):
        start_looking_along(world.uow(), world.actor("admin"), world.clock, 99999, None)
    assert world.uow.setup().impersonations.all() == []


def test_a_linked_examiner_sees_the_student_but_may_not_look_along(world):
    from mijnportfolio.domain.examination.planning import Attempt, PartPlanning

    setup = world.uow.setup()
    attempt = Attempt(student_id=world.students["fleur"].id, exam_id=1, number=1, created_at=world.clock.now())
    attempt.plannings.append(PartPlanning(part_id=1, starts_at=world.clock.now(), ends_at=world.clock.now(),
                                          examiner1_id=world.users["examiner"].id, calendar_uid="x"))
    setup.attempts.add(attempt)
    setup.commit()
    with pytest.raises(PermissionDenied):
        start(world, "examiner")


def test_looking_along_does_not_nest(world):
    state = start(world)
    with pytest.raises(AlreadyLookingAlong):
        start(world, current=state)
    with pytest.raises(AlreadyLookingAlong):
        look_along_candidate(world.uow(), world.actor("supervisor"), world.students["fleur"].id, state)
    assert len(world.uow.setup().impersonations.all()) == 1


def test_a_deactivated_student_is_not_looked_at(world):
    setup = world.uow.setup()
    setup.students.get(world.students["fleur"].id).set_active(False)
    setup.commit()
    with pytest.raises(PermissionDenied, match="gedeactiveerd"):
        start(world)


def test_after_30_minutes_it_ends_by_itself_and_the_end_is_recorded(world):
    state = start(world)
    world.clock.advance(minutes=29)
    assert still_looking_along(world.uow(), world.actor("supervisor"), world.clock, state) == state
    world.clock.advance(minutes=2)
    with pytest.raises(LookAlongEnded, match="30 minuten"):
        still_looking_along(world.uow(), world.actor("supervisor"), world.clock, state)
    record = world.uow.setup().impersonations.get(state.record_id)
    assert (record.ended_at, record.end_reason) == (state.expires_at, EndReason.EXPIRED)


def test_stopping_records_the_end_and_a_stopped_session_is_over(world):
    state = start(world)
    world.clock.advance(minutes=3)
    assert stop_looking_along(world.uow(), world.actor("supervisor"), world.clock, state) == world.students["fleur"].id
    record = world.uow.setup().impersonations.get(state.record_id)
    assert (record.ended_at, record.end_reason) == (world.clock.now(), EndReason.STOPPED)
    with pytest.raises(LookAlongEnded):
        still_looking_along(world.uow(), world.actor("supervisor"), world.clock, state)


def test_someone_elses_session_is_not_theirs_to_use(world):
    state = start(world)
    with pytest.raises(LookAlongEnded):
        still_looking_along(world.uow(), world.actor("trainer"), world.clock, state)
    with pytest.raises(PermissionDenied):
        portal_student_id(world.uow(), world.actor("trainer"), state)


def test_a_link_removed_meanwhile_ends_what_the_staff_member_sees(world):
    state = start(world, "trainer")
    assert require_looking_at(world.uow(), world.actor("trainer"), state) == world.students["fleur"].id
    setup = world.uow.setup()
    setup.students.get(world.students["fleur"].id).trainer_id = None
    setup.commit()
    with pytest.raises(NotFound):
        portal_student_id(world.uow(), world.actor("trainer"), state)


def test_the_portal_shows_a_student_their_own_and_staff_only_while_looking_along(world):
    assert portal_student_id(world.uow(), world.actor("fleur"), None) == world.students["fleur"].id
    with pytest.raises(PermissionDenied):
        portal_student_id(world.uow(), world.actor("supervisor"), None)
    state = start(world)
    assert portal_student_id(world.uow(), world.actor("supervisor"), state) == world.students["fleur"].id


def test_admins_read_the_log_newest_first_and_search_it_and_no_one_else_does(world):
    first = start(world, "supervisor")
    stop_looking_along(world.uow(), world.actor("supervisor"), world.clock, first)
    world.clock.advance(minutes=5)
    start(world, "supervisor2", "sam")
    log = impersonation_log(world.uow(), world.actor("admin"))
    assert [(r.staff_email, r.student_number) for r in log.rows] == [("supervisor2@t.nl", "S-sam"), ("supervisor@t.nl", "S-fleur")]
    assert log.rows[1].end_reason is EndReason.STOPPED and log.rows[0].ended_at is None
    assert [r.student_number for r in impersonation_log(world.uow(), world.actor("admin"), "fleur").rows] == ["S-fleur"]
    assert impersonation_log(world.uow(), world.actor("admin"), per_page=1, page=9).page == 2
    for who in ("supervisor", "trainer", "fleur"):
        with pytest.raises(PermissionDenied):
            impersonation_log(world.uow(), world.actor(who))


# -- the own account -----------------------------------------------------------------------------


def test_staff_change_their_own_name_and_phone(world):
    me = world.actor("supervisor")
    version = my_account(world.uow(), me).version
    update_my_contact_details(world.uow(), me, ContactData("Anna", "van der", "Berg", "06-11112222"), expected_version=version)
    account = my_account(world.uow(), me)
    assert (account.first_name, account.infix, account.last_name, account.phone) == ("Anna", "van der", "Berg", "06-11112222")
    assert world.uow.setup().users.get(me.user_id).sort_name.startswith("berg")


def test_contact_details_are_checked_all_at_once_and_students_use_their_tab(world):
    with pytest.raises(FieldsInvalid) as refused:
        update_my_contact_details(world.uow(), world.actor("trainer"), ContactData("x" * 101, None, "", "bel me"))
    assert set(refused.value.by_field) == {"first_name", "last_name", "phone"}
    with pytest.raises(PermissionDenied, match="Student"):
        update_my_contact_details(world.uow(), world.actor("fleur"), ContactData(None, None, "Anders", None))


def test_a_password_changes_only_with_the_current_one_and_the_rules_and_mails_a_notice(world):
    me = world.actor("fleur")
    with pytest.raises(FieldsInvalid) as refused:
        change_my_password(world.uow(), world.hasher, world.clock, me, "fout", "kort", "anders")
    assert set(refused.value.by_field) == {"current_password", "new_password", "confirm_password"}
    with pytest.raises(InvalidValue, match="anders is dan je huidige"):
        change_my_password(world.uow(), world.hasher, world.clock, me, "oud-wachtwoord", "oud-wachtwoord", "oud-wachtwoord")
    change_my_password(world.uow(), world.hasher, world.clock, me, "oud-wachtwoord", "nieuw-geheim", "nieuw-geheim")
    setup = world.uow.setup()
    assert world.hasher.verify(setup.users.get(me.user_id).password_hash, "nieuw-geheim")
    notices = [m for m in setup.outbox.all() if "gewijzigd" in m.subject]
    assert [m.recipients for m in notices] == ["fleur@student.nl"]
