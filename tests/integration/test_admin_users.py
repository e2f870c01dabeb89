"""Admin screen: staff users (list with filters, search, sort and pages; add, edit,
deactivate/activate, reset password; invitations by e-mail)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from mijnportfolio.application.mail import send_outbox
from mijnportfolio.application.organisations import StaffData, create_staff_user
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login, memory_mailer, post_form
from tests.integration.admin_accounts import PASSWORD, seed_accounts


@pytest.fixture
def accounts(app):
    return seed_accounts(app)


@pytest.fixture
def admin(client, accounts):
    assert login(client, "admin@demo.nl").status_code == 302
    return client


def _emails(html: str) -> list[str]:
    return re.findall(r'<tr data-user="([^"]+)"', html)


def _user(app, email):
    """A snapshot of the stored user (the unit of work expires its objects on leaving)."""
    with app.extensions["container"].uow() as uow:
        user = uow.users.get_by_email(email)
        if user is None:
            return None
        return SimpleNamespace(
            role=user.role, organisation_id=user.organisation_id, full_name=user.full_name,
            last_name=user.last_name, active=user.active,
        )


def _user_count(app) -> int:
    with app.extensions["container"].engine().connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one()


def _deliver(app):
    c = app.extensions["container"]
    send_outbox(c.uow, c.mailer(), c.clock())
    return memory_mailer(app).sent


def _new_user(org_id, **changes):
    data = {
        "email": "nieuw@demo.nl", "first_name": "Nina", "infix": "van der", "last_name": "Nieuw",
        "role": "examiner", "organisation_id": str(org_id), "password": "",
    }
    data.update(changes)
    return data


# --- The list ---


def test_the_list_shows_staff_with_icon_actions_on_the_right(admin):
    html = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Gebruiker toevoegen" in html
    assert html.index("Gebruiker toevoegen") < html.index("<table")
    assert '<label class="form-label small mb-0" for="filter-q">Zoeken</label>' in html
    for label in ("Bewerken", "Wachtwoord resetten", "Deactiveren"):
        assert f'aria-label="{label}" title="{label}"' in html
    # Sorted by last name ignoring the infix: (de) Begeleider, Beheerder, (van) Examinator, Opleider.
    assert _emails(html) == ["begeleider@demo.nl", "admin@demo.nl", "examinator@demo.nl", "opleider@demo.nl"]
    row = html[html.index('<tr data-user="examinator@demo.nl"'):]
    row = row[: row.index("</tr>")]
    assert row.index("Eva van Examinator") < row.index('<td class="actions">')


def test_an_admin_cannot_deactivate_themselves_from_the_list(admin):
    html = admin.get("/beheer/gebruikers").get_data(as_text=True)
    row = html[html.index('<tr data-user="admin@demo.nl"'):]
    row = row[: row.index("</tr>")]
    assert "Deactiveren" not in row


def test_the_list_filters_by_role_organisation_and_status(app, admin, accounts):
    assert _emails(admin.get("/beheer/gebruikers?role=examiner").get_data(as_text=True)) == ["examinator@demo.nl"]
    in_org = _emails(admin.get(f"/beheer/gebruikers?organisation={accounts['org']}").get_data(as_text=True))
    assert in_org == ["begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl"]
    post_form(admin, f"/beheer/gebruikers/{accounts['opleider@demo.nl']}/deactiveren", {}, form_url="/beheer/gebruikers")
    assert _emails(admin.get("/beheer/gebruikers?active=0").get_data(as_text=True)) == ["opleider@demo.nl"]
    assert "opleider@demo.nl" not in _emails(admin.get("/beheer/gebruikers?active=1").get_data(as_text=True))


def test_the_filters_stay_selected(admin, accounts):
    html = admin.get(f"/beheer/gebruikers?role=trainer&organisation={accounts['org']}&q=olga").get_data(as_text=True)
    assert '<option value="trainer" selected>' in html
    assert f'<option value="{accounts["org"]}" selected>' in html
    assert 'value="olga"' in html


def test_the_search_matches_name_and_e_mail_ignoring_case_and_accents(app, admin, accounts):
    c = app.extensions["container"]
    create_staff_user(
        c.uow(), Actor(accounts["admin@demo.nl"], Role.ADMIN), c.clock(), c.hasher(),
        StaffData("jose@school.nl", "supervisor", "José", None, "Müller", accounts["org"]), password=PASSWORD,
    )
    assert _emails(admin.get("/beheer/gebruikers?q=MULLER").get_data(as_text=True)) == ["jose@school.nl"]
    assert _emails(admin.get("/beheer/gebruikers?q=jose+muller").get_data(as_text=True)) == ["jose@school.nl"]
    assert _emails(admin.get("/beheer/gebruikers?q=school.nl").get_data(as_text=True)) == ["jose@school.nl"]
    assert _emails(admin.get("/beheer/gebruikers?q=%25").get_data(as_text=True)) == []
    assert "Geen gebruikers gevonden met deze filters." in admin.get("/beheer/gebruikers?q=zzz").get_data(as_text=True)


def test_the_list_sorts_by_a_column_both_ways(admin):
    assert _emails(admin.get("/beheer/gebruikers?sort=-email").get_data(as_text=True)) == [
        "opleider@demo.nl", "examinator@demo.nl", "begeleider@demo.nl", "admin@demo.nl",
    ]
    html = admin.get("/beheer/gebruikers?sort=email").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html
    assert 'href="/beheer/gebruikers?sort=-email"' in html


def test_the_list_paginates_and_keeps_filters_in_page_links(app, admin, accounts):
    c = app.extensions["container"]
    actor = Actor(accounts["admin@demo.nl"], Role.ADMIN)
    for i in range(5):
        create_staff_user(
            c.uow(), actor, c.clock(), c.hasher(),
            StaffData(f"ex{i}@demo.nl", "examiner", None, None, f"Extra{i}", accounts["org"]),
        )
    html = admin.get("/beheer/gebruikers?role=examiner&per_page=4").get_data(as_text=True)
    assert len(_emails(html)) == 4
    assert "6 gebruikers, pagina 1 van 2" in html
    assert "role=examiner" in re.search(r'href="([^"]*page=2[^"]*)"', html).group(1)
    page2 = admin.get("/beheer/gebruikers?role=examiner&per_page=4&page=2").get_data(as_text=True)
    assert len(_emails(page2)) == 2


def test_the_list_uses_a_fixed_number_of_queries(app, admin, accounts):
    engine = app.extensions["container"].engine()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM users" in statement:
            statements.append(statement)

    def queries_for_list() -> int:
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert admin.get("/beheer/gebruikers").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    few = queries_for_list()
    c = app.extensions["container"]
    actor = Actor(accounts["admin@demo.nl"], Role.ADMIN)
    for i in range(30):
        create_staff_user(
            c.uow(), actor, c.clock(), c.hasher(), StaffData(f"m{i}@demo.nl", "trainer", None, None, f"M{i}", accounts["org"])
        )
    assert queries_for_list() == few


# --- Add ---


def test_an_admin_adds_a_user_with_a_password_who_can_log_in_at_once(app, admin, accounts):
    response = post_form(
        admin, "/beheer/gebruikers/nieuw", _new_user(accounts["org"], password="welkom-123"), follow_redirects=True
    )
    assert "Gebruiker nieuw@demo.nl is toegevoegd en kan nu inloggen." in response.get_data(as_text=True)
    user = _user(app, "nieuw@demo.nl")
    assert (user.role, user.organisation_id, user.full_name) == (Role.EXAMINER, accounts["org"], "Nina van der Nieuw")
    assert login(app.test_client(), "nieuw@demo.nl", "welkom-123").status_code == 302
    assert _deliver(app) == []  # no invitation when a password was given


def test_a_user_without_password_gets_an_invitation_to_choose_one(app, admin, accounts):
    response = post_form(admin, "/beheer/gebruikers/nieuw", _new_user(accounts["org"]), follow_redirects=True)
    assert "krijgt een uitnodiging per e-mail" in response.get_data(as_text=True)
    html = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert "Uitgenodigd" in html
    sent = _deliver(app)
    assert len(sent) == 1 and sent[0].to == ("nieuw@demo.nl",)
    link = re.search(r"http://mijnportfolio\.test(/wachtwoord-instellen/\S+)", sent[0].body).group(1)
    invited = app.test_client()
    assert invited.get(link).status_code == 200
    post_form(invited, link, {"password": "mijn-eigen-1", "confirm": "mijn-eigen-1"})
    assert login(invited, "nieuw@demo.nl", "mijn-eigen-1").status_code == 302


def test_an_admin_needs_no_organisation(app, admin, accounts):
    post_form(admin, "/beheer/gebruikers/nieuw", _new_user(accounts["org"], role="admin", password="welkom-123"))
    user = _user(app, "nieuw@demo.nl")
    assert user.role is Role.ADMIN and user.organisation_id is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "Begeleider@demo.nl"}, "Dit e-mailadres is al in gebruik."),
        ({"email": "geen-e-mailadres"}, "is geen geldig e-mailadres."),
        ({"email": ""}, "Vul het e-mailadres in."),
        ({"last_name": ""}, "Vul de achternaam in."),
        ({"role": "student"}, "Kies een geldige rol."),
        ({"role": "hacker"}, "Kies een geldige rol."),
        ({"organisation_id": ""}, "Kies de organisatie van deze gebruiker."),
        ({"organisation_id": "9999"}, "Kies de organisatie van deze gebruiker."),
        ({"password": "kort"}, "Het wachtwoord moet minstens 8 tekens lang zijn."),
    ],
)
def test_bad_input_gets_a_dutch_message_and_writes_nothing(app, admin, accounts, changes, message):
    before = _user_count(app)
    response = post_form(admin, "/beheer/gebruikers/nieuw", _new_user(accounts["org"], **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert _user_count(app) == before
    assert _deliver(app) == []


def test_a_post_without_csrf_token_is_refused_and_writes_nothing(app, admin, accounts):
    before = _user_count(app)
    response = admin.post("/beheer/gebruikers/nieuw", data=_new_user(accounts["org"], password="welkom-123"))
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert _user_count(app) == before


# --- Edit, deactivate, activate, reset ---


def test_an_admin_edits_a_user(app, admin, accounts):
    url = f"/beheer/gebruikers/{accounts['examinator@demo.nl']}/bewerken"
    form = admin.get(url).get_data(as_text=True)
    assert 'value="examinator@demo.nl"' in form
    assert '<option selected value="examiner">' in form or '<option value="examiner" selected>' in form
    response = post_form(
        admin, url,
        {"email": "eva@demo.nl", "first_name": "Eva", "infix": "", "last_name": "Evers", "role": "supervisor",
         "organisation_id": str(accounts["org"]), "active": "y"},
        follow_redirects=True,
    )
    assert "Gebruiker eva@demo.nl is opgeslagen." in response.get_data(as_text=True)
    user = _user(app, "eva@demo.nl")
    assert (user.full_name, user.role) == ("Eva Evers", Role.SUPERVISOR)
    assert _user(app, "examinator@demo.nl") is None


def test_editing_to_an_e_mail_in_use_is_refused(app, admin, accounts):
    url = f"/beheer/gebruikers/{accounts['examinator@demo.nl']}/bewerken"
    response = post_form(
        admin, url,
        {"email": "opleider@demo.nl", "last_name": "X", "role": "examiner", "organisation_id": str(accounts["org"]),
         "active": "y"},
    )
    assert "Dit e-mailadres is al in gebruik." in response.get_data(as_text=True)
    assert _user(app, "examinator@demo.nl").last_name == "Examinator"


def test_an_admin_cannot_take_away_their_own_admin_rights(app, admin, accounts):
    url = f"/beheer/gebruikers/{accounts['admin@demo.nl']}/bewerken"
    response = post_form(
        admin, url, {"email": "admin@demo.nl", "last_name": "Beheerder", "role": "supervisor",
                     "organisation_id": str(accounts["org"]), "active": "y"},
    )
    assert "Je kunt je eigen beheerdersrechten niet intrekken." in response.get_data(as_text=True)
    assert _user(app, "admin@demo.nl").role is Role.ADMIN


def test_a_deactivated_user_cannot_log_in_until_activated_again(app, admin, accounts):
    user_id = accounts["opleider@demo.nl"]
    response = post_form(
        admin, f"/beheer/gebruikers/{user_id}/deactiveren?next=/beheer/gebruikers?role%3Dtrainer", {},
        form_url="/beheer/gebruikers",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/beheer/gebruikers?role=trainer")  # the filters persist
    assert login(app.test_client(), "opleider@demo.nl").status_code == 401
    html = admin.get("/beheer/gebruikers?role=trainer").get_data(as_text=True)
    assert "is gedeactiveerd en kan niet meer inloggen." in html
    assert 'aria-label="Activeren" title="Activeren"' in html
    post_form(admin, f"/beheer/gebruikers/{user_id}/activeren", {}, form_url="/beheer/gebruikers")
    assert login(app.test_client(), "opleider@demo.nl").status_code == 302


def test_an_admin_cannot_deactivate_themselves(app, admin, accounts):
    response = post_form(
        admin, f"/beheer/gebruikers/{accounts['admin@demo.nl']}/deactiveren", {}, form_url="/beheer/gebruikers",
        follow_redirects=True,
    )
    assert "Je kunt jezelf niet deactiveren." in response.get_data(as_text=True)
    assert _user(app, "admin@demo.nl").active


def test_reset_password_sends_a_link_through_the_outbox(app, admin, accounts):
    response = post_form(
        admin, f"/beheer/gebruikers/{accounts['begeleider@demo.nl']}/wachtwoord-resetten", {},
        form_url="/beheer/gebruikers", follow_redirects=True,
    )
    assert "verstuurd naar begeleider@demo.nl" in response.get_data(as_text=True)
    sent = _deliver(app)
    assert len(sent) == 1 and sent[0].to == ("begeleider@demo.nl",)
    link = re.search(r"http://mijnportfolio\.test(/wachtwoord-instellen/\S+)", sent[0].body).group(1)
    other = app.test_client()
    post_form(other, link, {"password": "opnieuw-123", "confirm": "opnieuw-123"})
    assert login(app.test_client(), "begeleider@demo.nl", "opnieuw-123").status_code == 302


def test_actions_on_an_unknown_user_answer_404(admin):
    assert admin.get("/beheer/gebruikers/9999/bewerken").status_code == 404
    token = csrf_token(admin.get("/beheer/gebruikers").get_data(as_text=True))
    assert admin.post("/beheer/gebruikers/9999/deactiveren", data={"csrf_token": token}).status_code == 404


def test_actions_only_accept_post(admin, accounts):
    assert admin.get(f"/beheer/gebruikers/{accounts['opleider@demo.nl']}/deactiveren").status_code == 405


@pytest.mark.parametrize("email", ["begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl"])
def test_other_roles_get_403_on_the_user_screens(client, accounts, email):
    login(client, email)
    for url in ("/beheer/gebruikers", "/beheer/gebruikers/nieuw", f"/beheer/gebruikers/{accounts['admin@demo.nl']}/bewerken"):
        assert client.get(url).status_code == 403


def test_the_admin_menu_links_to_both_screens(admin):
    html = admin.get("/beheer/gebruikers").get_data(as_text=True)
    assert 'href="/beheer/organisaties"' in html
    assert 'aria-current="page">Gebruikers</a>' in html


def test_a_user_edit_on_a_stale_form_is_refused_not_overwritten(app, admin, accounts):
    url = f"/beheer/gebruikers/{accounts['opleider@demo.nl']}/bewerken"
    page = admin.get(url).get_data(as_text=True)
    token = csrf_token(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    base = {"email": "opleider@demo.nl", "first_name": "Olga", "role": "trainer",
            "organisation_id": str(accounts["org"]), "active": "y", "version": version}
    post_form(admin, url, {**base, "last_name": "Eerst"})
    response = admin.post(url, data={**base, "last_name": "Later", "csrf_token": token})
    assert response.status_code == 200
    assert "Iemand anders heeft dit tegelijk gewijzigd" in response.get_data(as_text=True)
    assert _user(app, "opleider@demo.nl").last_name == "Eerst"


def test_the_user_form_marks_the_role_required_and_picks_the_only_organisation(admin, accounts):
    html = admin.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    assert re.search(r'<label class="form-label" for="role">Rol</label> <span class="text-danger" aria-hidden="true">\*</span>', html)
    assert re.search(rf'<option selected value="{accounts["org"]}">Demo ROC</option>', html)


def test_a_user_form_with_several_mistakes_names_them_all_at_once(app, admin, accounts):
    before = _user_count(app)
    response = post_form(admin, "/beheer/gebruikers/nieuw", _new_user(accounts["org"], email="geen-adres", role="", password="kort"))
    html = response.get_data(as_text=True)
    assert "is geen geldig e-mailadres." in html and "Kies een geldige rol." in html
    assert "Het wachtwoord moet minstens 8 tekens lang zijn." in html
    assert _user_count(app) == before


def test_one_user_found_is_counted_in_the_singular(admin, accounts):
    html = admin.get("/beheer/gebruikers?q=olga").get_data(as_text=True)
    assert ">1 gebruiker</div>" in html
