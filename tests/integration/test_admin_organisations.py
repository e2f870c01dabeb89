"""Admin screen: organisations (list, add, edit, the setting examiners_may_plan)."""

from __future__ import annotations

import re

import pytest

from mijnportfolio.application.organisations import OrganisationData, create_organisation
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login, post_form
from tests.integration.admin_accounts import seed_accounts


@pytest.fixture
def accounts(app):
    return seed_accounts(app)


@pytest.fixture
def admin(client, accounts):
    assert login(client, "admin@demo.nl").status_code == 302
    return client


def _organisations(app) -> dict[str, bool]:
    with app.extensions["container"].uow() as uow:
        return {o.name: o.examiners_may_plan for o in uow.organisations.list()}


def test_the_list_shows_organisations_with_their_setting_and_actions(admin):
    html = admin.get("/beheer/organisaties").get_data(as_text=True)
    assert "Organisatie toevoegen" in html
    assert "Demo ROC" in html
    assert "Examinatoren mogen examens inplannen" in html
    assert 'aria-label="Bewerken" title="Bewerken"' in html
    # The add button stands above (before) the table.
    assert html.index("Organisatie toevoegen") < html.index("<table")


def test_an_admin_adds_an_organisation_with_the_planning_setting(app, admin):
    form = admin.get("/beheer/organisaties/nieuw").get_data(as_text=True)
    assert '<label class="form-check-label" for="examiners_may_plan">Examinatoren mogen examens inplannen</label>' in form
    response = post_form(
        admin, "/beheer/organisaties/nieuw", {"name": "  ROC Oost ", "examiners_may_plan": "y"}, follow_redirects=True
    )
    assert "Organisatie &#39;ROC Oost&#39; is toegevoegd." in response.get_data(as_text=True)
    assert _organisations(app)["ROC Oost"] is True


def test_an_organisation_without_the_setting_keeps_it_off(app, admin):
    post_form(admin, "/beheer/organisaties/nieuw", {"name": "ROC West"})
    assert _organisations(app)["ROC West"] is False


def test_a_duplicate_name_is_refused_and_nothing_is_written(app, admin):
    response = post_form(admin, "/beheer/organisaties/nieuw", {"name": "demo roc"})
    assert response.status_code == 200
    assert "Er bestaat al een organisatie met deze naam." in response.get_data(as_text=True)
    assert list(_organisations(app)) == ["Demo ROC"]


def test_an_empty_name_gets_a_dutch_message(app, admin):
    response = post_form(admin, "/beheer/organisaties/nieuw", {"name": "   "})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vul de naam in." in html or "Naam is verplicht." in html
    assert list(_organisations(app)) == ["Demo ROC"]


def test_an_admin_edits_name_and_setting(app, admin, accounts):
    url = f"/beheer/organisaties/{accounts['org']}/bewerken"
    form = admin.get(url).get_data(as_text=True)
    assert 'value="Demo ROC"' in form
    assert re.search(r'id="examiners_may_plan"[^>]*checked|checked[^>]*id="examiners_may_plan"', form)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', form).group(1)
    response = post_form(admin, url, {"name": "Demo ROC Noord", "version": version}, follow_redirects=True)
    assert "is opgeslagen" in response.get_data(as_text=True)
    assert _organisations(app) == {"Demo ROC Noord": False}


def test_an_edit_on_a_stale_form_is_refused_not_overwritten(app, admin, accounts):
    url = f"/beheer/organisaties/{accounts['org']}/bewerken"
    page = admin.get(url).get_data(as_text=True)
    token = csrf_token(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # Someone else saves first.
    post_form(admin, url, {"name": "Door een ander", "examiners_may_plan": "y", "version": version})
    response = admin.post(url, data={"name": "Mijn versie", "version": version, "csrf_token": token})
    assert response.status_code == 200
    assert "Iemand anders heeft dit tegelijk gewijzigd" in response.get_data(as_text=True)
    assert _organisations(app) == {"Door een ander": True}


def test_renaming_to_an_existing_name_is_refused(app, admin, accounts):
    c = app.extensions["container"]
    create_organisation(c.uow(), Actor(accounts["admin@demo.nl"], Role.ADMIN), OrganisationData("ROC Zuid"))
    response = post_form(admin, f"/beheer/organisaties/{accounts['org']}/bewerken", {"name": "ROC Zuid"})
    assert "Er bestaat al een organisatie met deze naam." in response.get_data(as_text=True)
    assert set(_organisations(app)) == {"Demo ROC", "ROC Zuid"}


def test_an_unknown_organisation_answers_404(admin):
    assert admin.get("/beheer/organisaties/999/bewerken").status_code == 404


def test_the_list_sorts_and_paginates(app, admin, accounts):
    c = app.extensions["container"]
    actor = Actor(accounts["admin@demo.nl"], Role.ADMIN)
    for name in ("Alfa College", "Zeta College", "Midden College"):
        create_organisation(c.uow(), actor, OrganisationData(name))
    html = admin.get("/beheer/organisaties?sort=-name").get_data(as_text=True)
    names = re.findall(r'<tr data-organisation="\d+">\s*<td>([^<]+)</td>', html)
    assert names == ["Zeta College", "Midden College", "Demo ROC", "Alfa College"]
    page2 = admin.get("/beheer/organisaties?sort=name&per_page=3&page=2").get_data(as_text=True)
    assert re.findall(r'<tr data-organisation="\d+">\s*<td>([^<]+)</td>', page2) == ["Zeta College"]
    assert "pagina 2 van 2" in page2


@pytest.mark.parametrize("email", ["begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl"])
def test_other_roles_get_403_on_the_organisation_screens(client, accounts, email):
    login(client, email)
    assert client.get("/beheer/organisaties").status_code == 403
    assert client.get("/beheer/organisaties/nieuw").status_code == 403
    assert client.get(f"/beheer/organisaties/{accounts['org']}/bewerken").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/beheer/organisaties")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_one_organisation_is_counted_in_the_singular(admin):
    html = admin.get("/beheer/organisaties").get_data(as_text=True)
    assert ">1 organisatie</div>" in html and "1 organisaties" not in html
