"""Password reset by e-mail link: single use, one hour valid, same answer for unknown addresses."""

from __future__ import annotations

import re

import pytest

from mijnportfolio.application.mail import send_outbox
from mijnportfolio.application.organisations import set_staff_active
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login, memory_mailer, post_form
from tests.integration.admin_accounts import seed_accounts

FLASH = "Als dit e-mailadres bij ons bekend is"


@pytest.fixture
def accounts(app):
    return seed_accounts(app)


def _deliver(app):
    c = app.extensions["container"]
    send_outbox(c.uow, c.mailer(), c.clock())
    return memory_mailer(app).sent


def _request_reset(client, email: str):
    return post_form(client, "/wachtwoord-vergeten", {"email": email}, follow_redirects=True)


def _link_path(body: str) -> str:
    match = re.search(r"http://mijnportfolio\.test(/wachtwoord-instellen/[A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def _pending(app) -> int:
    with app.extensions["container"].uow() as uow:
        return uow.outbox.pending_count()


def test_a_known_address_gets_a_reset_link_by_e_mail(app, client, accounts):
    response = _request_reset(client, "Begeleider@demo.nl")
    assert FLASH in response.get_data(as_text=True)
    sent = _deliver(app)
    assert len(sent) == 1
    assert sent[0].to == ("begeleider@demo.nl",)
    assert "Wachtwoord opnieuw instellen" in sent[0].subject
    assert "/wachtwoord-instellen/" in sent[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, accounts):
    response = _request_reset(client, "niemand@demo.nl")
    assert FLASH in response.get_data(as_text=True)
    assert _pending(app) == 0


def test_an_invalid_address_gets_the_same_answer_and_no_mail(app, client, accounts):
    response = _request_reset(client, "geen-adres")
    assert FLASH in response.get_data(as_text=True)
    assert _pending(app) == 0


def test_an_inactive_account_gets_no_reset_mail(app, client, accounts):
    c = app.extensions["container"]
    set_staff_active(c.uow(), Actor(accounts["admin@demo.nl"], Role.ADMIN), accounts["opleider@demo.nl"], False)
    _request_reset(client, "opleider@demo.nl")
    assert _pending(app) == 0


def test_the_link_sets_a_new_password_once(app, client, accounts):
    _request_reset(client, "begeleider@demo.nl")
    path = _link_path(_deliver(app)[0].body)
    page = client.get(path)
    assert page.status_code == 200
    assert "Kies een wachtwoord" in page.get_data(as_text=True)
    response = post_form(client, path, {"password": "nieuw-geheim-1", "confirm": "nieuw-geheim-1"}, follow_redirects=True)
    assert "Je wachtwoord is opgeslagen" in response.get_data(as_text=True)

    assert login(app.test_client(), "begeleider@demo.nl", "demo1234").status_code == 401
    assert login(app.test_client(), "begeleider@demo.nl", "nieuw-geheim-1").status_code == 302

    # Single use: the same link no longer works.
    again = client.get(path)
    assert again.status_code == 400
    assert "Link ongeldig" in again.get_data(as_text=True)


def test_the_link_expires_after_one_hour(app, client, accounts):
    _request_reset(client, "begeleider@demo.nl")
    path = _link_path(_deliver(app)[0].body)
    app.config["TEST_CLOCK"].advance(minutes=59)
    assert client.get(path).status_code == 200
    app.config["TEST_CLOCK"].advance(minutes=1)
    response = client.get(path)
    assert response.status_code == 400
    assert "ongeldig, al gebruikt of verlopen" in response.get_data(as_text=True)


def test_a_posted_form_with_an_expired_link_changes_nothing(app, client, accounts):
    _request_reset(client, "begeleider@demo.nl")
    path = _link_path(_deliver(app)[0].body)
    token = csrf_token(client.get(path).get_data(as_text=True))
    app.config["TEST_CLOCK"].advance(hours=2)
    response = client.post(path, data={"password": "nieuw-geheim-1", "confirm": "nieuw-geheim-1", "csrf_token": token})
    assert response.status_code == 400
    assert login(app.test_client(), "begeleider@demo.nl", "demo1234").status_code == 302


def test_different_passwords_get_a_dutch_message_and_change_nothing(app, client, accounts):
    _request_reset(client, "begeleider@demo.nl")
    path = _link_path(_deliver(app)[0].body)
    response = post_form(client, path, {"password": "nieuw-geheim-1", "confirm": "anders-geheim"})
    assert response.status_code == 200
    assert "De twee wachtwoorden zijn niet gelijk." in response.get_data(as_text=True)
    response = post_form(client, path, {"password": "kort", "confirm": "kort"})
    assert "minstens 8 tekens" in response.get_data(as_text=True)
    assert login(app.test_client(), "begeleider@demo.nl", "demo1234").status_code == 302
    # The link was not used up by the refused attempts.
    assert client.get(path).status_code == 200


def test_an_unknown_token_gets_a_dutch_page(client):
    response = client.get("/wachtwoord-instellen/verzonnen-token")
    assert response.status_code == 400
    assert "Link ongeldig" in response.get_data(as_text=True)


def test_the_forgot_password_form_needs_a_csrf_token(app, client, accounts):
    client.get("/wachtwoord-vergeten")
    response = client.post("/wachtwoord-vergeten", data={"email": "begeleider@demo.nl"})
    assert response.status_code == 400
    assert _pending(app) == 0
