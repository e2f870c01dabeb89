"""Participant groups and the bulk actions of the student lists, through the Flask test client."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm

from tests.helpers import csrf_token, post_form
from tests.integration.test_students_routes import _container, add_student, make_school, student_numbers


@pytest.fixture
def school(app):
    return make_school(app)


@pytest.fixture
def logged_in(client, school):
    from tests.helpers import login

    def _login(email: str):
        assert login(client, email).status_code == 302
        return client

    return _login


def _new_group(client, school, name="Klas 1A", category="Klas", **extra):
    return post_form(
        client, "/portfolios/deelnemergroepen/nieuw",
        {"organisation_id": str(school["org"]), "name": name, "category": category, "description": "", **extra},
    )


def _group_id(app, school, name) -> int:
    with _container(app).uow() as uow:
        return uow.groups.get_by_name(school["org"], name).id


def _members(app, group_id) -> list[str]:
    t = orm.students.c
    query = (
        sa.select(t.student_number)
        .select_from(orm.students.join(orm.student_groups, orm.student_groups.c.student_id == t.id))
        .where(orm.student_groups.c.group_id == group_id)
        .order_by(t.student_number)
    )
    with _container(app).engine().connect() as conn:
        return list(conn.execute(query).scalars())


def _bulk(client, list_url, action, group_id, ids=(), select_all=False, extra=None):
    page = client.get(list_url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page), "action": action, "group_id": str(group_id),
        "student_ids": [str(i) for i in ids], "next": list_url, "mine": "", **(extra or {}),
    }
    if select_all:
        data["select_all"] = "1"
    return client.post("/portfolios/actie", data=data)


def _confirm(client, confirmation_html: str):
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', confirmation_html)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return client.post("/portfolios/actie/uitvoeren", data=data)


def test_the_admin_creates_a_group_with_a_category(app, logged_in, school):
    client = logged_in("admin@t.nl")
    form = client.get("/portfolios/deelnemergroepen/nieuw").get_data(as_text=True)
    for label in ("Naam", "Categorie", "Omschrijving"):
        assert f">{label}</label>" in form
    assert _new_group(client, school).status_code == 302
    listing = client.get("/portfolios/deelnemergroepen").get_data(as_text=True)
    assert 'data-group="Klas 1A"' in listing and "Deelnemergroep toevoegen" in listing


def test_a_group_name_is_unique_within_the_organisation(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    response = _new_group(client, school, name="klas 1a")
    assert response.status_code == 422
    assert "Er bestaat al een deelnemergroep" in response.get_data(as_text=True)
    other = post_form(client, "/portfolios/deelnemergroepen/nieuw",
                      {"organisation_id": str(school["other_org"]), "name": "Klas 1A", "category": ""})
    assert other.status_code == 302


def test_a_group_without_a_name_is_refused(app, logged_in, school):
    response = _new_group(logged_in("admin@t.nl"), school, name="  ")
    assert response.status_code == 422 and "Naam is verplicht." in response.get_data(as_text=True)


def test_groups_with_and_without_a_category_are_listed_together(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school, "Zonder 1", "")
    _new_group(client, school, "Zonder 2", "")
    _new_group(client, school, "Klas 1A", "Klas")
    response = client.get("/portfolios/deelnemergroepen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Zonder categorie" in html and 'data-group="Zonder 2"' in html and 'data-group="Klas 1A"' in html


def test_the_groups_list_filters_on_category(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school, "Klas 1A", "Klas")
    _new_group(client, school, "Locatie Noord", "Locatie")
    html = client.get("/portfolios/deelnemergroepen?category=Locatie").get_data(as_text=True)
    assert 'data-group="Locatie Noord"' in html and 'data-group="Klas 1A"' not in html


def test_bulk_add_asks_confirmation_naming_count_and_group_then_applies(app, logged_in, school):
    ids = [add_student(app, school, f"S{i}", f"Student{i}") for i in range(4)]
    client = logged_in("admin@t.nl")
    _new_group(client, school, "Klas 1A")
    group_id = _group_id(app, school, "Klas 1A")
    confirmation = _bulk(client, "/portfolios", "add", group_id, ids[:3])
    html = confirmation.get_data(as_text=True)
    assert "Weet je zeker dat je 3 studenten wilt toevoegen aan groep Klas 1A?" in html
    assert _members(app, group_id) == []  # nothing happens before the confirmation
    done = _confirm(client, html)
    assert done.status_code == 302
    assert _members(app, group_id) == ["S0", "S1", "S2"]
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "3 studenten toegevoegd aan deelnemergroep Klas 1A." in flashed
    # Adding again doubles nothing; removing one leaves two.
    _confirm(client, _bulk(client, "/portfolios", "add", group_id, ids[:2]).get_data(as_text=True))
    assert _members(app, group_id) == ["S0", "S1", "S2"]
    html = _bulk(client, "/portfolios", "remove", group_id, ids[1:2]).get_data(as_text=True)
    assert "Weet je zeker dat je 1 student wilt verwijderen uit groep Klas 1A?" in html
    _confirm(client, html)
    assert _members(app, group_id) == ["S0", "S2"]
    assert student_numbers(client.get(f"/portfolios?group={group_id}").get_data(as_text=True)) == ["S0", "S2"]


def test_select_all_matching_works_across_pages(app, logged_in, school):
    for i in range(5):
        add_student(app, school, f"A{i}", f"Alle{i}", cohort="2025")
    add_student(app, school, "Z9", "Ander", cohort="2024")
    client = logged_in("admin@t.nl")
    _new_group(client, school, "Cohort 2025")
    group_id = _group_id(app, school, "Cohort 2025")
    listing = client.get("/portfolios?cohort=2025&per_page=2").get_data(as_text=True)
    assert "Alle 5 studenten die aan de filters voldoen selecteren" in listing
    html = _bulk(client, "/portfolios?cohort=2025&per_page=2", "add", group_id, select_all=True,
                 extra={"cohort": "2025"}).get_data(as_text=True)
    assert "5 studenten" in html
    _confirm(client, html)
    assert _members(app, group_id) == ["A0", "A1", "A2", "A3", "A4"]


def test_bulk_action_without_choices_explains_what_is_missing(app, logged_in, school):
    sid = add_student(app, school, "S1", "Een")
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    response = _bulk(client, "/portfolios", "", gid, [sid])
    assert response.status_code == 302
    assert "Kies een actie." in client.get(response.headers["Location"]).get_data(as_text=True)
    response = _bulk(client, "/portfolios", "add", gid, [])
    assert "Selecteer eerst een of meer studenten." in client.get(response.headers["Location"]).get_data(as_text=True)
    response = _bulk(client, "/portfolios", "add", "", [sid])
    assert "Kies een deelnemergroep." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_supervisor_cannot_add_students_they_cannot_see(app, logged_in, school):
    mine = add_student(app, school, "M1", "Mijn")
    theirs = add_student(app, school, "T1", "Niet", supervisor=school["begeleider2@t.nl"])
    client = logged_in("begeleider@t.nl")
    _new_group(client, school, "Mijn groep", organisation_id="")
    gid = _group_id(app, school, "Mijn groep")
    html = _bulk(client, "/portfolios", "add", gid, [mine, theirs]).get_data(as_text=True)
    assert "1 student wilt toevoegen" in html
    _confirm(client, html.replace(f'value="{mine}"', f'value="{mine}"><input type="hidden" name="student_ids" value="{theirs}"'))
    assert _members(app, gid) == ["M1"]


def test_a_group_of_another_organisation_is_not_found_for_a_supervisor(app, logged_in, school):
    admin = logged_in("admin@t.nl")
    post_form(admin, "/portfolios/deelnemergroepen/nieuw",
              {"organisation_id": str(school["other_org"]), "name": "Elders", "category": ""})
    with _container(app).uow() as uow:
        gid = uow.groups.get_by_name(school["other_org"], "Elders").id
    admin.get("/logout")
    client = logged_in("begeleider@t.nl")
    assert client.get(f"/portfolios/deelnemergroepen/{gid}/bewerken").status_code == 404
    assert "Elders" not in client.get("/portfolios/deelnemergroepen").get_data(as_text=True)


@pytest.mark.parametrize("email", ["opleider@t.nl", "examinator@t.nl"])
def test_trainers_and_examiners_do_not_manage_groups(app, logged_in, school, email):
    client = logged_in(email)
    assert client.get("/portfolios/deelnemergroepen").status_code == 403
    html = client.get("/mijn-portfolio").get_data(as_text=True)
    assert "Kies een actie" not in html and "Deelnemergroepen</a>" not in html


def test_a_group_with_members_is_deleted_only_after_confirmation(app, logged_in, school):
    sid = add_student(app, school, "S1", "Een")
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    _confirm(client, _bulk(client, "/portfolios", "add", gid, [sid]).get_data(as_text=True))
    first = post_form(client, f"/portfolios/deelnemergroepen/{gid}/verwijderen", {}, form_url="/portfolios/deelnemergroepen")
    assert first.status_code == 200
    assert "heeft nog 1 deelnemer" in first.get_data(as_text=True)
    assert _group_id(app, school, "Klas 1A") == gid
    confirmed = post_form(client, f"/portfolios/deelnemergroepen/{gid}/verwijderen", {"confirm": "1"},
                          form_url="/portfolios/deelnemergroepen")
    assert confirmed.status_code == 302
    with _container(app).uow() as uow:
        assert uow.groups.get(gid) is None
        assert uow.students.get(sid).groups == set()


def test_an_empty_group_is_deleted_at_once(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    response = post_form(client, f"/portfolios/deelnemergroepen/{gid}/verwijderen", {}, form_url="/portfolios/deelnemergroepen")
    assert response.status_code == 302


def test_a_group_is_renamed(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    response = post_form(client, f"/portfolios/deelnemergroepen/{gid}/bewerken",
                         {"name": "Klas 1B", "category": "Klas", "description": "Tweede helft"})
    assert response.status_code == 302
    assert _group_id(app, school, "Klas 1B") == gid


def test_two_people_renaming_one_group_the_later_save_is_refused(app, logged_in, school):
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    url = f"/portfolios/deelnemergroepen/{gid}/bewerken"
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', first_tab).group(1)
    assert client.post(url, data={"name": "Klas 1B", "category": "Klas", "description": "", "version": version,
                                  "csrf_token": csrf_token(first_tab)}).status_code == 302
    late = client.post(url, data={"name": "Klas 1C", "category": "", "description": "Later", "version": version,
                                  "csrf_token": csrf_token(second_tab)})
    assert late.status_code == 422
    assert "Iemand anders heeft dit tegelijk gewijzigd" in late.get_data(as_text=True)
    assert _group_id(app, school, "Klas 1B") == gid


def test_a_bulk_action_without_students_asks_for_students_first(app, logged_in, school):
    add_student(app, school, "S1", "Een")
    client = logged_in("admin@t.nl")
    response = _bulk(client, "/portfolios", "add", "", [])
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Selecteer eerst een of meer studenten." in html and "Kies een deelnemergroep." not in html


def test_the_confirmation_names_the_students_or_the_first_twenty_and_how_many_more(app, logged_in, school):
    ids = [add_student(app, school, f"N{i:02d}", f"Naam{i:02d}", first="Nina") for i in range(25)]
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    few = _bulk(client, "/portfolios", "add", gid, ids[:2]).get_data(as_text=True)
    assert "Nina Naam00 (N00)" in few and "Nina Naam01 (N01)" in few and "meer" not in few
    many = _bulk(client, "/portfolios", "add", gid, ids).get_data(as_text=True)
    assert "Weet je zeker dat je 25 studenten wilt toevoegen aan groep Klas 1A?" in many
    assert "Nina Naam19 (N19)" in many and "Nina Naam20 (N20)" not in many
    assert "en 5 meer" in many


def test_deleting_a_group_of_one_member_speaks_of_one_student(app, logged_in, school):
    sid = add_student(app, school, "S1", "Een")
    client = logged_in("admin@t.nl")
    _new_group(client, school)
    gid = _group_id(app, school, "Klas 1A")
    _confirm(client, _bulk(client, "/portfolios", "add", gid, [sid]).get_data(as_text=True))
    done = post_form(client, f"/portfolios/deelnemergroepen/{gid}/verwijderen", {"confirm": "1"},
                     form_url="/portfolios/deelnemergroepen", follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "De student zelf blijft bestaan." in html and "De 1 studenten" not in html


def test_a_supervisor_without_an_organisation_may_not_manage_groups(app, client, school):
    c = _container(app)
    with c.uow() as uow:
        from mijnportfolio.domain.organisations import Role, User

        uow.users.add(User(email="los@t.nl", role=Role.SUPERVISOR, last_name="Los",
                           password_hash=c.hasher().hash("demo1234")))
        uow.commit()
    from tests.helpers import login

    assert login(client, "los@t.nl").status_code == 302
    assert client.get("/portfolios/deelnemergroepen").status_code == 403
