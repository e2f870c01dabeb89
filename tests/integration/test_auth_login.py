"""Logging in and out through the real login form (Flask test client)."""

from __future__ import annotations

import re

import pytest

from mijnportfolio.application.organisations import set_staff_active
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import build_test_app, csrf_token, login
from tests.integration.admin_accounts import PASSWORD, seed_accounts


@pytest.fixture
def accounts(app):
    return seed_accounts(app)


def _message_of(html: str) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert">([^<]+)</div>', html)
    return match.group(1) if match else ""


def _body_without_token(html: str) -> str:
    return re.sub(r'value="[^"]+" name="csrf_token"|name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_the_login_page_has_the_contract_labels_in_dutch(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="form-label" for="email">E-mailadres</label>' in html
    assert '<label class="form-label" for="password">Wachtwoord</label>' in html
    assert ">Inloggen</button>" in html
    assert '<html lang="nl">' in html


def test_lang_en_shows_the_login_page_in_english_and_is_remembered(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert ">Email address</label>" in html
    assert ">Password</label>" in html
    assert ">Log in</button>" in html
    assert "Forgot your password?" in html
    assert "E-mailadres" not in html
    # The choice is kept in the session for the next pages.
    assert ">Log in</button>" in client.get("/login").get_data(as_text=True)
    assert ">Inloggen</button>" in client.get("/login?lang=nl").get_data(as_text=True)


def test_a_correct_password_logs_in_and_lands_on_the_role_page(client, accounts):
    response = login(client, "examinator@demo.nl")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/examendashboard")
    page = client.get("/examendashboard")
    assert page.status_code == 200
    assert "Uitloggen" in page.get_data(as_text=True)


def test_the_email_address_is_matched_case_insensitively(client, accounts):
    assert login(client, "  Examinator@Demo.NL ").status_code == 302


def test_a_wrong_password_gets_a_generic_dutch_message(client, accounts):
    response = login(client, "admin@demo.nl", "helemaal-fout")
    assert response.status_code == 401
    assert _message_of(response.get_data(as_text=True)) == "Onjuist e-mailadres of wachtwoord."
    assert client.get("/beheer/gebruikers").status_code == 302  # still not logged in


def test_an_unknown_account_gets_exactly_the_same_answer_as_a_wrong_password(app, accounts):
    wrong = login(app.test_client(), "admin@demo.nl", "helemaal-fout")
    unknown = login(app.test_client(), "niemand@demo.nl", "helemaal-fout")
    assert unknown.status_code == wrong.status_code == 401
    assert _body_without_token(unknown.get_data(as_text=True)).replace("niemand@demo.nl", "X") == _body_without_token(
        wrong.get_data(as_text=True)
    ).replace("admin@demo.nl", "X")


def test_an_inactive_user_is_refused_with_the_same_message(app, client, accounts):
    c = app.extensions["container"]
    set_staff_active(c.uow(), Actor(accounts["admin@demo.nl"], Role.ADMIN), accounts["opleider@demo.nl"], False)
    response = login(client, "opleider@demo.nl", PASSWORD)
    assert response.status_code == 401
    assert _message_of(response.get_data(as_text=True)) == "Onjuist e-mailadres of wachtwoord."


def test_a_deactivated_user_loses_a_session_that_was_already_open(app, client, accounts):
    assert login(client, "begeleider@demo.nl").status_code == 302
    c = app.extensions["container"]
    set_staff_active(c.uow(), Actor(accounts["admin@demo.nl"], Role.ADMIN), accounts["begeleider@demo.nl"], False)
    response = client.get("/examendashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_empty_fields_get_a_dutch_message_not_an_error(client, accounts):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Vul je e-mailadres in." in html
    assert "Vul je wachtwoord in." in html


def test_a_login_without_csrf_token_is_refused_with_a_dutch_page(client, accounts):
    client.get("/login")
    response = client.post("/login", data={"email": "admin@demo.nl", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    assert client.get("/beheer/gebruikers").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(app, accounts):
    c = app.extensions["container"]
    with c.uow() as uow:
        user = uow.users.get_by_email("admin@demo.nl")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_successful_login_records_the_time_of_login(app, client, accounts):
    login(client, "admin@demo.nl")
    with app.extensions["container"].uow() as uow:
        assert uow.users.get_by_email("admin@demo.nl").last_login_at == app.config["TEST_CLOCK"].now()


def test_a_login_leaves_the_users_version_alone_so_an_open_edit_form_stays_valid(app, accounts):
    with app.extensions["container"].uow() as uow:
        before = uow.users.get_by_email("admin@demo.nl").version
    for _ in range(2):  # two logins of one account (two tabs, a double click) are both fine
        assert login(app.test_client(), "admin@demo.nl").status_code == 302
    with app.extensions["container"].uow() as uow:
        assert uow.users.get_by_email("admin@demo.nl").version == before


def test_the_eleventh_attempt_on_one_account_within_a_minute_gets_429(client, accounts):
    for attempt in range(10):
        assert login(client, "admin@demo.nl", f"fout-{attempt}").status_code == 401
    response = login(client, "admin@demo.nl", PASSWORD)  # even the right password: wait first
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Te veel pogingen" in html
    assert "Wacht een minuut" in html
    # Another account from the same address is not blocked by that account's limit.
    assert login(client, "begeleider@demo.nl").status_code == 302


def test_the_per_ip_limit_is_configurable(tmp_path):
    app = build_test_app(tmp_path, login_ip_rate_limit="3 per minute")
    seed_accounts(app)
    client = app.test_client()
    for email in ("a@demo.nl", "b@demo.nl", "c@demo.nl"):
        assert login(client, email, "fout-wachtwoord").status_code == 401
    assert login(client, "admin@demo.nl", PASSWORD).status_code == 429
    app.extensions["container"].engine().dispose()


def test_the_session_cookie_is_httponly_and_samesite_lax(client, accounts):
    response = login(client, "admin@demo.nl")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http outside production


def test_the_session_cookie_is_secure_in_production(tmp_path):
    app = build_test_app(tmp_path, env="production")
    seed_accounts(app)
    response = login(app.test_client(), "admin@demo.nl")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["container"].engine().dispose()


def test_logging_out_ends_the_session(client, accounts):
    login(client, "admin@demo.nl")
    response = client.get("/logout", follow_redirects=True)
    assert "Je bent uitgelogd." in response.get_data(as_text=True)
    assert client.get("/beheer/gebruikers").status_code == 302


def test_next_only_redirects_within_the_site(client, accounts):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "admin@demo.nl", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_a_logged_in_user_visiting_login_goes_to_their_page(client, accounts):
    login(client, "examinator@demo.nl")
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/examendashboard")


def test_pages_carry_the_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_answers_a_dutch_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet (meer)." in response.get_data(as_text=True)


def test_error_pages_speak_english_when_chosen(client):
    response = client.get("/bestaat-niet?lang=en")
    assert response.status_code == 404
    assert "This page does not exist (any more)." in response.get_data(as_text=True)

