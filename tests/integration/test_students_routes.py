"""The student screens through the Flask test client, per role: lists, form, portfolio page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.application.students import StudentData, create_student
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login, post_form


def _container(app):
    return app.extensions["container"]


PEOPLE = (
    ("admin@t.nl", Role.ADMIN, "Anna", None, "Beheer", None),
    ("begeleider@t.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider", "org"),
    ("begeleider2@t.nl", Role.SUPERVISOR, "Britt", "van", "Dam", "org"),
    ("opleider@t.nl", Role.TRAINER, "Olga", None, "Opleider", "org"),
    ("opleider2@t.nl", Role.TRAINER, "Omar", None, "Yilmaz", "org"),
    ("examinator@t.nl", Role.EXAMINER, "Eva", "van", "Examinator", "org"),
    ("begeleider@ander.nl", Role.SUPERVISOR, "Ada", None, "Ander", "other_org"),
)


def make_school(app) -> dict:
    """Two organisations, a programme and staff (password demo1234), without the demo seed, so
    that the lists hold exactly the students a test adds."""
    c = _container(app)
    hash_ = c.hasher().hash("demo1234")
    with c.uow() as uow:
        org = Organisation(name="Testschool")
        other_org = Organisation(name="Ander College")
        programme = Programme(name="Verzorgende-IG", crebo="25491", level=3)
        uow.organisations.add(org)
        uow.organisations.add(other_org)
        uow.programmes.add(programme)
        uow.flush()
        orgs = {"org": org.id, "other_org": other_org.id, None: None}
        users = {}
        for email, role, first, infix, last, org_key in PEOPLE:
            user = User(email=email, role=role, first_name=first, infix=infix, last_name=last,
                        organisation_id=orgs[org_key], password_hash=hash_)
            uow.users.add(user)
            users[email] = user
        uow.flush()
        ids = {"org": org.id, "other_org": other_org.id, "programme": programme.id, **{k: v.id for k, v in users.items()}}
        ids.update(admin=ids["admin@t.nl"], supervisor=ids["begeleider@t.nl"], trainer=ids["opleider@t.nl"])
        uow.commit()
    return ids


@pytest.fixture
def school(app):
    return make_school(app)


@pytest.fixture
def logged_in(client, school):
    def _login(email: str):
        response = login(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


def add_student(app, school, number, last, *, first="Sam", infix=None, supervisor=None, trainer=None,
                cohort=None, org=None, email=None):
    c = _container(app)
    admin = Actor(user_id=school["admin"], role=Role.ADMIN)
    return create_student(
        c.uow(), admin, c.clock(),
        StudentData(
            organisation_id=org or school["org"], student_number=number, first_name=first, infix=infix,
            last_name=last, email=email or f"{number}@student.demo.nl", programme_id=school["programme"],
            supervisor_id=supervisor or school["supervisor"], trainer_id=trainer, cohort=cohort,
        ),
    )


def student_numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-student="([^"]+)"', html)


def count_students(app) -> int:
    with _container(app).engine().connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(orm.students)).scalar_one()


def form_data(school, **changes):
    data = {
        "organisation_id": str(school["org"]), "student_number": "00123", "first_name": "Fleur",
        "infix": "van der", "last_name": "Berg", "email": "fleur@student.demo.nl",
        "programme_id": str(school["programme"]), "supervisor_id": str(school["supervisor"]),
        "trainer_id": str(school["trainer"]), "cohort": "2025", "phone": "",
    }
    data.update(changes)
    return data


def test_the_admin_enters_a_student_who_gets_an_invitation(app, client, school):
    login(client, "admin@t.nl")
    page = client.get("/portfolios/nieuw").get_data(as_text=True)
    for label in ("Studentnummer", "Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Opleiding",
                  "Praktijkbegeleider", "Praktijkopleider", "Cohort", "Organisatie"):
        assert f">{label}</label>" in page
    response = post_form(client, "/portfolios/nieuw", form_data(school))
    assert response.status_code == 302, response.get_data(as_text=True)
    portfolio = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fleur van der Berg" in portfolio and "00123" in portfolio
    assert "Bas de Begeleider" in portfolio and "Olga Opleider" in portfolio
    listing = client.get("/portfolios").get_data(as_text=True)
    assert student_numbers(listing) == ["00123"]
    with _container(app).uow() as uow:
        user = uow.users.get_by_email("fleur@student.demo.nl")
        assert user.role is Role.STUDENT and user.password_hash is None
        assert uow.outbox.pending_count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"student_number": "S1"}, "Studentnummer S1 bestaat al binnen deze organisatie."),
        ({"email": "S1@student.demo.nl"}, "is al in gebruik"),
        ({"supervisor_id": ""}, "Kies een praktijkbegeleider"),
        ({"last_name": ""}, "Achternaam is verplicht."),
        ({"email": "geen-adres"}, "is geen geldig e-mailadres"),
        ({"programme_id": ""}, "Kies een opleiding."),
    ],
)
def test_bad_student_input_gets_a_dutch_message_and_stores_nothing(app, client, school, changes, message):
    add_student(app, school, "S1", "Bestaand")
    login(client, "admin@t.nl")
    before = count_students(app)
    response = post_form(client, "/portfolios/nieuw", form_data(school, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_students(app) == before
    with _container(app).uow() as uow:
        assert uow.users.get_by_email("fleur@student.demo.nl") is None


def test_a_supervisor_of_another_organisation_is_refused(app, client, school):
    login(client, "admin@t.nl")
    response = post_form(client, "/portfolios/nieuw", form_data(school, supervisor_id=str(school["begeleider@ander.nl"])))
    assert response.status_code == 422
    assert "praktijkbegeleider van de organisatie van de student" in response.get_data(as_text=True)


def test_the_admin_edits_and_deactivates_a_student(app, client, school):
    student_id = add_student(app, school, "0042", "Jansen")
    login(client, "admin@t.nl")
    response = post_form(
        client, f"/portfolios/{student_id}/bewerken",
        form_data(school, student_number="0042", email="jansen@student.demo.nl", last_name="Jansen-Smit"),
    )
    assert response.status_code == 302
    assert "Jansen-Smit" in client.get(f"/portfolios/{student_id}").get_data(as_text=True)
    response = post_form(client, f"/portfolios/{student_id}/deactiveren", {}, form_url=f"/portfolios/{student_id}")
    assert response.status_code == 302
    assert student_numbers(client.get("/portfolios").get_data(as_text=True)) == []
    assert student_numbers(client.get("/portfolios?status=alle").get_data(as_text=True)) == ["0042"]
    with _container(app).uow() as uow:
        assert uow.students.get(student_id).user.active is False


def test_only_admins_enter_students(logged_in, school):
    client = logged_in("begeleider@t.nl")
    assert client.get("/portfolios/nieuw").status_code == 403


def test_the_supervisor_sees_only_linked_students(app, logged_in, school):
    add_student(app, school, "A1", "Mijn")
    add_student(app, school, "B1", "Ander", supervisor=school["begeleider2@t.nl"])
    client = logged_in("begeleider@t.nl")
    for url in ("/portfolios", "/mijn-portfolio"):
        assert student_numbers(client.get(url).get_data(as_text=True)) == ["A1"]


def test_the_admin_sees_everyone_in_both_lists(app, logged_in, school):
    add_student(app, school, "A1", "Mijn")
    add_student(app, school, "C1", "Elders", org=school["other_org"], supervisor=school["begeleider@ander.nl"])
    client = logged_in("admin@t.nl")
    for url in ("/portfolios", "/mijn-portfolio"):
        assert sorted(student_numbers(client.get(url).get_data(as_text=True))) == ["A1", "C1"]


def test_a_trainer_of_another_student_gets_404_on_a_portfolio(app, logged_in, school):
    mine = add_student(app, school, "T1", "Gevolgd", trainer=school["trainer"])
    other = add_student(app, school, "T2", "Onbekend", trainer=school["opleider2@t.nl"])
    client = logged_in("opleider@t.nl")
    assert client.get(f"/portfolios/{mine}").status_code == 200
    assert client.get(f"/portfolios/{other}").status_code == 404
    assert client.get("/portfolios/999999").status_code == 404
    assert student_numbers(client.get("/mijn-portfolio").get_data(as_text=True)) == ["T1"]


def test_a_student_lands_on_their_own_portfolio_and_sees_no_one_else(app, client, school):
    me = add_student(app, school, "ME1", "Zelf", email="zelf@student.demo.nl")
    other = add_student(app, school, "ME2", "Ander")
    c = _container(app)
    with c.uow() as uow:
        uow.users.get_by_email("zelf@student.demo.nl").password_hash = c.hasher().hash("geheim123")
        uow.commit()
    response = login(client, "zelf@student.demo.nl", "geheim123")
    assert response.headers["Location"].endswith("/mijn-portfolio/student")
    page = client.get("/mijn-portfolio/student").get_data(as_text=True)
    assert "ME1" in page and "Mijn Portfolio" in page
    assert client.get("/portfolios").status_code == 302
    assert client.get(f"/portfolios/{me}").status_code == 200
    assert client.get(f"/portfolios/{other}").status_code == 404


def test_the_list_sorts_on_last_name_ignoring_the_infix(app, logged_in, school):
    add_student(app, school, "1", "Jansen", first="Piet")
    add_student(app, school, "2", "Berg", first="Fleur", infix="van der")
    add_student(app, school, "3", "Aalders", first="Zoë")
    client = logged_in("admin@t.nl")
    assert student_numbers(client.get("/portfolios").get_data(as_text=True)) == ["3", "2", "1"]
    assert student_numbers(client.get("/portfolios?sort=-name").get_data(as_text=True)) == ["1", "2", "3"]
    assert student_numbers(client.get("/portfolios?sort=number").get_data(as_text=True)) == ["1", "2", "3"]


def test_the_list_filters_and_searches_without_minding_accents(app, logged_in, school):
    add_student(app, school, "001", "Aalders", first="Zoë", cohort="2024")
    add_student(app, school, "002", "Berg", first="Fleur", infix="van der", cohort="2025")
    client = logged_in("admin@t.nl")
    assert student_numbers(client.get("/portfolios?q=zoe").get_data(as_text=True)) == ["001"]
    assert student_numbers(client.get("/portfolios?q=VAN+DER+berg").get_data(as_text=True)) == ["002"]
    assert student_numbers(client.get("/portfolios?q=002").get_data(as_text=True)) == ["002"]
    assert student_numbers(client.get("/portfolios?q=002%40student").get_data(as_text=True)) == ["002"]
    assert student_numbers(client.get("/portfolios?q=%25").get_data(as_text=True)) == []
    assert student_numbers(client.get("/portfolios?cohort=2024").get_data(as_text=True)) == ["001"]
    assert student_numbers(client.get(f"/portfolios?programme={school['programme']}").get_data(as_text=True)) == ["001", "002"]


def test_the_list_paginates(app, logged_in, school):
    for i in range(5):
        add_student(app, school, f"P{i}", f"Naam{i}")
    client = logged_in("admin@t.nl")
    first = client.get("/portfolios?per_page=2").get_data(as_text=True)
    assert student_numbers(first) == ["P0", "P1"] and "pagina 1 van 3" in first
    assert student_numbers(client.get("/portfolios?per_page=2&page=3").get_data(as_text=True)) == ["P4"]
    assert student_numbers(client.get("/portfolios?per_page=2&page=99").get_data(as_text=True)) == ["P4"]


def test_the_list_exports_csv_for_dutch_excel_with_formulas_neutralised(app, logged_in, school):
    add_student(app, school, "X1", "=HYPERLINK(1)", first="@evil")
    client = logged_in("admin@t.nl")
    response = client.get("/portfolios/export.csv")
    assert response.status_code == 200
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Studentnummer;Naam;E-mailadres")
    assert "'@evil =HYPERLINK(1)" in text
    xlsx = client.get("/portfolios/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_export_of_a_supervisor_holds_only_linked_students(app, logged_in, school):
    add_student(app, school, "A1", "Mijn")
    add_student(app, school, "B1", "Ander", supervisor=school["begeleider2@t.nl"])
    client = logged_in("begeleider@t.nl")
    text = client.get("/portfolios/export.csv").data.decode("utf-8-sig")
    assert "A1;" in text and "B1;" not in text


def test_every_row_has_view_and_for_admins_edit_icons(app, logged_in, school):
    add_student(app, school, "R1", "Rij")
    html = logged_in("admin@t.nl").get("/portfolios").get_data(as_text=True)
    assert 'aria-label="Bekijken" title="Bekijken"' in html
    assert 'aria-label="Bewerken" title="Bewerken"' in html
    assert "Nieuwe student invoeren" in html and "Deelnemergroepen" in html and "Kies een actie" in html


def test_the_resent_invitation_is_queued(app, logged_in, school):
    student_id = add_student(app, school, "I1", "Uitnodiging")
    client = logged_in("admin@t.nl")
    response = post_form(client, f"/portfolios/{student_id}/uitnodigen", {}, form_url=f"/portfolios/{student_id}")
    assert response.status_code == 302
    with _container(app).uow() as uow:
        assert uow.outbox.pending_count() == 1


def test_a_post_without_csrf_token_changes_nothing(app, logged_in, school):
    student_id = add_student(app, school, "C1", "Csrf")
    client = logged_in("admin@t.nl")
    client.post(f"/portfolios/{student_id}/deactiveren")
    with _container(app).uow() as uow:
        assert uow.students.get(student_id).active is True


def test_the_form_token_is_present(logged_in, school):
    assert csrf_token(logged_in("admin@t.nl").get("/portfolios/nieuw").get_data(as_text=True))


def _version(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def test_two_tabs_editing_one_student_the_later_save_is_refused_and_wipes_nothing(app, client, school):
    student_id = add_student(app, school, "0042", "Jansen", cohort="2025")
    login(client, "admin@t.nl")
    url = f"/portfolios/{student_id}/bewerken"
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    saved = client.post(url, data={
        **form_data(school, student_number="0042", email="0042@student.demo.nl", last_name="Jansen", cohort="2026"),
        "version": _version(first_tab), "csrf_token": csrf_token(first_tab),
    })
    assert saved.status_code == 302
    late = client.post(url, data={
        **form_data(school, student_number="0042", email="0042@student.demo.nl", last_name="Jansen-Smit", cohort="2025"),
        "version": _version(second_tab), "csrf_token": csrf_token(second_tab),
    })
    assert late.status_code == 422
    assert "Iemand anders heeft dit tegelijk gewijzigd" in late.get_data(as_text=True)
    with _container(app).uow() as uow:
        student = uow.students.get(student_id)
        assert (student.cohort, student.user.last_name) == ("2026", "Jansen")


def test_the_portfolio_shows_a_dash_for_every_empty_value_so_labels_keep_their_value(app, logged_in, school):
    student_id = add_student(app, school, "0043", "Leeg", first="Lot")
    html = logged_in("admin@t.nl").get(f"/portfolios/{student_id}").get_data(as_text=True)
    data = html[html.index('<dl class="row mb-0 student-data">'):]
    data = data[:data.index("</dl>")]
    pairs = re.findall(r"<dt[^>]*>([^<]+)</dt><dd[^>]*>(.*?)</dd>", data)
    values = {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}
    assert values["Tussenvoegsel"] == "—" and values["Telefoonnummer"] == "—" and values["Cohort"] == "—"
    assert values["Organisatie"] == "Testschool" and values["Voornaam"] == "Lot"
    assert all(values.values()), values


def test_every_programme_choice_shows_its_crebo_code(app, logged_in, school):
    with _container(app).uow() as uow:
        uow.programmes.add(Programme(name="Verzorgende-IG", crebo="25492", level=3))
        uow.commit()
    client = logged_in("admin@t.nl")
    listing = client.get("/portfolios").get_data(as_text=True)
    filter_bar = listing[listing.index('id="filter-programme"'):]
    filter_bar = filter_bar[:filter_bar.index("</select>")]
    assert ">Verzorgende-IG (25491)</option>" in filter_bar and ">Verzorgende-IG (25492)</option>" in filter_bar
    form = client.get("/portfolios/nieuw").get_data(as_text=True)
    assert ">Verzorgende-IG (25491)</option>" in form and ">Verzorgende-IG (25492)</option>" in form


def test_one_student_is_counted_in_the_singular(app, logged_in, school):
    add_student(app, school, "E1", "Enkel")
    html = logged_in("admin@t.nl").get("/portfolios").get_data(as_text=True)
    assert ">1 student</div>" in html and "1 studenten" not in html


def test_the_bulk_button_is_a_clear_primary_button_and_its_group_label_is_spelled_deelnemergroep(app, logged_in, school):
    add_student(app, school, "B1", "Knop")
    html = logged_in("admin@t.nl").get("/portfolios").get_data(as_text=True)
    assert '<button type="submit" class="btn btn-sm btn-primary">Voer uit</button>' in html
    assert "Deelnemersgroep<" not in html and ">Deelnemergroep voor de actie</label>" in html
    # The contract labels of the actions stay as the manual spells them.
    assert ">Toevoegen aan deelnemersgroep</option>" in html and ">Verwijderen uit deelnemersgroep</option>" in html


def test_the_only_organisation_is_chosen_already_in_a_new_student_form(app, client):
    c = _container(app)
    with c.uow() as uow:
        org = Organisation(name="Enige School")
        uow.organisations.add(org)
        uow.flush()
        uow.users.add(User(email="admin@enig.nl", role=Role.ADMIN, last_name="Beheer",
                           password_hash=c.hasher().hash("demo1234")))
        uow.commit()
        org_id = org.id
    login(client, "admin@enig.nl")
    html = client.get("/portfolios/nieuw").get_data(as_text=True)
    assert re.search(rf'<option selected value="{org_id}">Enige School</option>', html)


def test_looking_along_is_offered_where_the_policy_allows_it(app, school):
    """The icon follows Permission.IMPERSONATE_STUDENT (linked supervisor or trainer, admin)."""
    followed = add_student(app, school, "F1", "Gevolgd", trainer=school["trainer"])
    add_student(app, school, "F2", "Niet", trainer=school["opleider2@t.nl"])
    client = app.test_client()
    for email, expected in (("admin@t.nl", 2), ("opleider@t.nl", 1), ("examinator@t.nl", 0)):
        assert login(client, email).status_code == 302
        html = client.get("/mijn-portfolio").get_data(as_text=True)
        assert html.count('aria-label="Log in als deze student"') == expected, email
        if email == "opleider@t.nl":
            assert f'href="/meekijken/{followed}"' in html
        client.get("/logout")


def test_joining_a_group_meanwhile_does_not_block_an_edit_of_the_student(app, client, school):
    from mijnportfolio.application.groups import BulkSelection, GroupData, bulk_add_to_group, create_group

    student_id = add_student(app, school, "0044", "Groepslid")
    login(client, "admin@t.nl")
    url = f"/portfolios/{student_id}/bewerken"
    form = client.get(url).get_data(as_text=True)
    c = _container(app)
    admin = Actor(user_id=school["admin"], role=Role.ADMIN)
    group_id = create_group(c.uow(), admin, GroupData(school["org"], "Klas 1A"))
    bulk_add_to_group(c.uow(), c.student_list_query(), admin, group_id, BulkSelection(student_ids=(student_id,)))
    saved = client.post(url, data={
        **form_data(school, student_number="0044", email="0044@student.demo.nl", last_name="Groepslid", cohort="2030"),
        "version": _version(form), "csrf_token": csrf_token(form),
    })
    assert saved.status_code == 302


def test_a_save_that_changed_only_the_name_also_makes_the_other_tab_stale(any_app):
    """On SQLite and PostgreSQL: the name lives on the student's user row, the version covers both."""
    school = make_school(any_app)
    student_id = add_student(any_app, school, "0045", "Naam")
    client = any_app.test_client()
    login(client, "admin@t.nl")
    url = f"/portfolios/{student_id}/bewerken"
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    unchanged = dict(student_number="0045", email="0045@student.demo.nl", trainer_id="")
    renamed = form_data(school, last_name="Nieuwe naam", cohort="", **unchanged)
    assert client.post(url, data={**renamed, "version": _version(first_tab),
                                  "csrf_token": csrf_token(first_tab)}).status_code == 302
    other = form_data(school, last_name="Naam", cohort="2031", **unchanged)
    late = client.post(url, data={**other, "version": _version(second_tab), "csrf_token": csrf_token(second_tab)})
    assert late.status_code == 422
    with _container(any_app).uow() as uow:
        student = uow.students.get(student_id)
        assert (student.user.last_name, student.cohort) == ("Nieuwe naam", None)
