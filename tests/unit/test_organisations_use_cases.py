"""Use cases of the admin screens, with in-memory fakes."""

from __future__ import annotations

import pytest

from mijnportfolio.application import organisations as uc
from mijnportfolio.domain.errors import (
    AccountInactive,
    CannotDeactivateYourself,
    ConcurrentModification,
    DuplicateEmail,
    DuplicateName,
    FieldsInvalid,
    InvalidValue,
    NotFound,
    PermissionDenied,
    WeakPassword,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.unit.fakes import FakeClock, FakePasswordHasher, FakeUnitOfWorkFactory

ADMIN = Actor(user_id=1, role=Role.ADMIN)


@pytest.fixture
def uow():
    return FakeUnitOfWorkFactory()


@pytest.fixture
def org(uow):
    return uc.create_organisation(uow(), ADMIN, uc.OrganisationData("Demo ROC", True))


def _staff(org_id, **changes):
    values = dict(email="eva@demo.nl", role="examiner", first_name="Eva", infix="van", last_name="Examinator",
                  organisation_id=org_id)
    values.update(changes)
    return uc.StaffData(**values)


def _create(uow, org_id, password="geheim-123", invitation_url=None, **changes):
    return uc.create_staff_user(
        uow(), ADMIN, FakeClock(), FakePasswordHasher(), _staff(org_id, **changes),
        password=password, invitation_url=invitation_url,
    )


def test_an_admin_creates_an_organisation_with_its_planning_setting(uow, org):
    stored = uow.store.tables["organisations"][org]
    assert (stored.name, stored.examiners_may_plan) == ("Demo ROC", True)
    assert uow.commits == 1


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER, Role.STUDENT])
def test_only_admins_manage_organisations_and_staff(uow, org, role):
    actor = Actor(user_id=9, role=role, organisation_id=org)
    with pytest.raises(PermissionDenied):
        uc.create_organisation(uow(), actor, uc.OrganisationData("Nieuw"))
    with pytest.raises(PermissionDenied):
        uc.create_staff_user(uow(), actor, FakeClock(), FakePasswordHasher(), _staff(org), password="geheim-123")
    assert uow.commits == 1  # only the fixture's


def test_organisation_names_are_unique_ignoring_case(uow, org):
    with pytest.raises(DuplicateName):
        uc.create_organisation(uow(), ADMIN, uc.OrganisationData(" demo roc "))


def test_an_organisation_needs_a_name(uow):
    with pytest.raises(InvalidValue, match="Naam is verplicht"):
        uc.create_organisation(uow(), ADMIN, uc.OrganisationData("  "))


def test_an_edit_made_on_an_old_version_is_refused(uow, org):
    uc.update_organisation(uow(), ADMIN, org, uc.OrganisationData("Nieuwe naam"), expected_version=1)
    uow.store.tables["organisations"][org].version = 2  # what the database does on commit
    with pytest.raises(ConcurrentModification):
        uc.update_organisation(uow(), ADMIN, org, uc.OrganisationData("Te laat"), expected_version=1)
    assert uow.store.tables["organisations"][org].name == "Nieuwe naam"


def test_editing_an_unknown_organisation_is_not_found(uow):
    with pytest.raises(NotFound):
        uc.update_organisation(uow(), ADMIN, 99, uc.OrganisationData("X"))


def test_a_staff_user_with_a_password_gets_no_invitation(uow, org):
    user_id = _create(uow, org)
    user = uow.store.tables["users"][user_id]
    assert (user.email, user.role, user.organisation_id, user.password_hash) == (
        "eva@demo.nl", Role.EXAMINER, org, "fake$geheim-123")
    assert uow.store.tables.get("outbox", {}) == {}


def test_a_staff_user_without_a_password_gets_an_invitation_link(uow, org):
    user_id = _create(uow, org, password=None, invitation_url=lambda token: f"https://mp.test/wachtwoord-instellen/{token}")
    [mail] = uow.store.tables["outbox"].values()
    assert mail.recipients == "eva@demo.nl"
    assert "https://mp.test/wachtwoord-instellen/" in mail.body
    [token] = uow.store.tables["tokens"].values()
    assert token.user_id == user_id
    assert uow.store.tables["users"][user_id].password_hash is None


def test_an_admin_user_belongs_to_no_organisation(uow, org):
    user_id = _create(uow, org, role="admin")
    assert uow.store.tables["users"][user_id].organisation_id is None


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"email": "geen-adres"}, InvalidValue),
        ({"role": "student"}, InvalidValue),
        ({"organisation_id": None}, InvalidValue),
        ({"organisation_id": 999}, InvalidValue),
        ({"last_name": ""}, InvalidValue),
    ],
)
def test_invalid_staff_data_is_refused_and_nothing_is_committed(uow, org, changes, error):
    with pytest.raises(error):
        _create(uow, org, **changes)
    assert uow.commits == 1


def test_an_e_mail_address_is_used_once(uow, org):
    _create(uow, org)
    with pytest.raises(DuplicateEmail):
        _create(uow, org, email=" EVA@demo.nl")


def test_a_short_password_is_refused_next_to_the_password_field(uow, org):
    with pytest.raises(WeakPassword) as caught:
        _create(uow, org, password="kort")
    assert caught.value.field == "password"


def test_an_admin_cannot_demote_or_deactivate_themselves(uow, org):
    admin_id = _create(uow, org, email="admin@demo.nl", role="admin")
    me = Actor(user_id=admin_id, role=Role.ADMIN)
    with pytest.raises(CannotDeactivateYourself):
        uc.update_staff_user(uow(), me, admin_id, _staff(org, email="admin@demo.nl", role="supervisor"))
    with pytest.raises(CannotDeactivateYourself):
        uc.set_staff_active(uow(), me, admin_id, False)
    assert uow.store.tables["users"][admin_id].role is Role.ADMIN
    assert uow.store.tables["users"][admin_id].active


def test_deactivating_and_activating_a_user(uow, org):
    user_id = _create(uow, org)
    assert uc.set_staff_active(uow(), ADMIN, user_id, False) == "Eva van Examinator"
    assert not uow.store.tables["users"][user_id].active
    uc.set_staff_active(uow(), ADMIN, user_id, True)
    assert uow.store.tables["users"][user_id].active


def test_admin_reset_password_queues_a_one_hour_link(uow, org):
    user_id = _create(uow, org)
    email = uc.admin_reset_password(uow(), ADMIN, FakeClock(), user_id, lambda t: f"https://mp.test/r/{t}")
    assert email == "eva@demo.nl"
    [mail] = uow.store.tables["outbox"].values()
    assert "https://mp.test/r/" in mail.body
    [token] = uow.store.tables["tokens"].values()
    assert token.expires_at - token.created_at == __import__("datetime").timedelta(hours=1)


def test_a_deactivated_user_gets_no_reset_link(uow, org):
    user_id = _create(uow, org)
    uc.set_staff_active(uow(), ADMIN, user_id, False)
    with pytest.raises(AccountInactive):
        uc.admin_reset_password(uow(), ADMIN, FakeClock(), user_id, lambda t: t)
    assert "outbox" not in uow.store.tables or not uow.store.tables["outbox"]


def test_get_staff_user_does_not_show_students(uow, org):
    user_id = _create(uow, org)
    uow.store.tables["users"][user_id].role = Role.STUDENT
    with pytest.raises(NotFound):
        uc.get_staff_user(uow(), ADMIN, user_id)


class _RecordingQueries:
    def __init__(self):
        self.calls = []

    def staff_users(self, filters):
        self.calls.append(filters)
        return uc.Page(rows=[], total=0, page=1, per_page=filters.per_page)

    def organisations(self, sort, page, per_page):
        self.calls.append((sort, page, per_page))
        return uc.Page(rows=[], total=0, page=1, per_page=per_page)


def test_list_arguments_are_cleaned_before_the_query():
    queries = _RecordingQueries()
    uc.list_staff_users(queries, ADMIN, uc.UserListFilter(search="  ", role="student", sort="password_hash", page=-3))
    [filters] = queries.calls
    assert (filters.search, filters.role, filters.sort, filters.page) == (None, None, "name", 1)
    uc.list_organisations_page(queries, ADMIN, "-users", 2)
    assert queries.calls[-1] == ("-users", 2, 50)
    with pytest.raises(PermissionDenied):
        uc.list_staff_users(queries, Actor(2, Role.SUPERVISOR, 1), uc.UserListFilter())


def test_page_counts_its_pages():
    assert uc.Page(rows=[], total=0, page=1, per_page=50).pages == 1
    assert uc.Page(rows=[], total=101, page=1, per_page=50).pages == 3


def test_a_staff_form_reports_every_wrong_field_at_once(uow):
    with pytest.raises(FieldsInvalid) as info:
        uc.create_staff_user(
            uow(), ADMIN, FakeClock(), FakePasswordHasher(),
            uc.StaffData(email="geen-adres", role="", first_name=None, infix=None, last_name="", organisation_id=None),
            password="kort",
        )
    assert set(info.value.by_field) == {"email", "role", "last_name", "organisation_id", "password"}
    assert info.value.by_field["role"] == "Kies een geldige rol."
