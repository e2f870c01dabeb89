"""The FAQ pages through the Flask test client, per role."""

from __future__ import annotations

import re
import secrets

import pytest
from itsdangerous import URLSafeTimedSerializer

from mijnportfolio.application import faq as use_cases
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, post_form

ADMIN = Actor(user_id=0, role=Role.ADMIN)


def session_csrf_token(client) -> str:
    """A valid CSRF token for this client's session, for users whose pages carry no form."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def add_items(app, *pairs) -> list[int]:
    c = app.extensions["container"]
    return [use_cases.create_faq_item(c.uow(), ADMIN, use_cases.FaqData(question=q, answer=a)) for q, a in pairs]


def order(app) -> list[str]:
    c = app.extensions["container"]
    return [e.question for e in use_cases.list_faq(c.uow(), ADMIN)]


def clear(app) -> None:
    c = app.extensions["container"]
    for entry in use_cases.list_faq(c.uow(), ADMIN):
        use_cases.delete_faq_item(c.uow(), ADMIN, entry.id)


@pytest.fixture
def items(demo):
    clear(demo)  # the demo's own questions would make the assertions about order fuzzy
    return add_items(
        demo,
        ("Hoe plan ik een examen?", "Kies de opleiding op het Examendashboard.\nKlik op het plan-icoon."),
        ("Wat is een herkansing?", "Een nieuwe poging na een onvoldoende."),
        ("Hoe werkt de import?", "Met een CSV- of Excelbestand."),
    )


@pytest.mark.parametrize("email", ["student1@demo.nl", "begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl"])
def test_everyone_reads_the_faq_without_admin_controls(logged_in, items, email):
    client = logged_in(email)
    html = client.get("/faq").get_data(as_text=True)
    assert "Hoe plan ik een examen?" in html
    assert "Kies de opleiding op het Examendashboard.<br>Klik op het plan-icoon." in html
    assert 'for="filter-q">Zoeken</label>' in html
    assert "Vraag toevoegen" not in html
    assert 'aria-label="Bewerken"' not in html
    assert 'aria-label="Verwijderen"' not in html


def test_the_menu_links_to_the_faq(logged_in, items):
    html = logged_in("student1@demo.nl").get("/faq").get_data(as_text=True)
    assert 'aria-current="page">Veelgestelde vragen</a>' in html


def test_a_search_shows_only_matching_questions_opened(logged_in, items):
    client = logged_in("begeleider@demo.nl")
    html = client.get("/faq?q=HERKANSING").get_data(as_text=True)
    assert "Wat is een herkansing?" in html
    assert "Hoe plan ik een examen?" not in html
    assert "1 vraag gevonden" in html
    assert 'class="accordion-collapse collapse show"' in html
    assert 'value="HERKANSING"' in html  # the search term stays in the field
    html = client.get("/faq?q=bestaat-niet").get_data(as_text=True)
    assert "Geen vragen gevonden" in html


def test_an_admin_sees_add_and_row_actions(logged_in, items):
    html = logged_in("admin@demo.nl").get("/faq").get_data(as_text=True)
    assert "Vraag toevoegen" in html
    for label in ("Bewerken", "Verwijderen", "Omhoog", "Omlaag"):
        assert f'aria-label="{label}" title="{label}"' in html
    # No 'Omhoog' on the first row, no 'Omlaag' on the last.
    assert html.count('aria-label="Omhoog"') == 2
    assert html.count('aria-label="Omlaag"') == 2


def test_an_admin_adds_a_question(logged_in):
    client = logged_in("admin@demo.nl")
    response = post_form(client, "/faq/nieuw", {"question": "Nieuwe vraag?", "answer": "Antwoord met <b>html</b>."})
    assert response.status_code == 302
    html = client.get("/faq").get_data(as_text=True)
    assert "Nieuwe vraag?" in html
    assert "De vraag is toegevoegd." in html
    assert "Antwoord met &lt;b&gt;html&lt;/b&gt;." in html  # escaped, never rendered as HTML


def test_an_empty_answer_gets_a_message_next_to_the_form(logged_in, demo):
    client = logged_in("admin@demo.nl")
    before = order(demo)
    response = post_form(client, "/faq/nieuw", {"question": "Vraag zonder antwoord?", "answer": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Antwoord is verplicht." in html
    assert 'value="Vraag zonder antwoord?"' in html  # what was typed is kept
    assert order(demo) == before


def test_a_too_long_question_gets_a_message(logged_in, demo):
    client = logged_in("admin@demo.nl")
    before = order(demo)
    response = post_form(client, "/faq/nieuw", {"question": "x" * 301, "answer": "Antwoord"})
    assert response.status_code == 400
    assert "Vraag mag hoogstens 300 tekens lang zijn." in response.get_data(as_text=True)
    assert order(demo) == before


def test_an_admin_edits_a_question(logged_in, items):
    client = logged_in("admin@demo.nl")
    url = f"/faq/{items[1]}/bewerken"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Wat is een herkansing?"' in form
    response = post_form(client, url, {"question": "Wanneer mag ik herkansen?", "answer": "Na een onvoldoende."})
    assert response.status_code == 302
    assert "Wanneer mag ik herkansen?" in client.get("/faq").get_data(as_text=True)


def test_a_question_that_does_not_exist_is_404(logged_in, demo):
    client = logged_in("admin@demo.nl")
    assert client.get("/faq/9999/bewerken").status_code == 404
    assert post_form(client, "/faq/9999/bewerken", {"question": "a?", "answer": "b"}, form_url="/faq/nieuw").status_code == 404
    for action in ("verwijderen", "omhoog", "omlaag"):
        assert post_form(client, f"/faq/9999/{action}", {}, form_url="/faq").status_code == 404


def test_an_admin_reorders_and_deletes(logged_in, items):
    client = logged_in("admin@demo.nl")
    first, second, third = items
    assert post_form(client, f"/faq/{third}/omhoog", {}, form_url="/faq").status_code == 302
    assert order(client.application) == ["Hoe plan ik een examen?", "Hoe werkt de import?", "Wat is een herkansing?"]
    post_form(client, f"/faq/{first}/omlaag", {}, form_url="/faq")
    assert order(client.application) == ["Hoe werkt de import?", "Hoe plan ik een examen?", "Wat is een herkansing?"]
    # Moving the first item up changes nothing and is no error.
    assert post_form(client, f"/faq/{third}/omhoog", {}, form_url="/faq").status_code == 302
    response = post_form(client, f"/faq/{first}/verwijderen", {}, form_url="/faq", follow_redirects=True)
    assert "is verwijderd" in response.get_data(as_text=True)
    assert order(client.application) == ["Hoe werkt de import?", "Wat is een herkansing?"]


@pytest.mark.parametrize("email", ["student1@demo.nl", "begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl"])
def test_non_admins_may_not_change_the_faq(logged_in, items, email):
    client = logged_in(email)
    token = session_csrf_token(client)
    before = order(client.application)
    assert client.get("/faq/nieuw").status_code == 403
    assert client.get(f"/faq/{items[0]}/bewerken").status_code == 403
    for url, data in [
        ("/faq/nieuw", {"question": "Hack?", "answer": "Ja."}),
        (f"/faq/{items[0]}/bewerken", {"question": "Hack?", "answer": "Ja."}),
        (f"/faq/{items[0]}/verwijderen", {}),
        (f"/faq/{items[1]}/omhoog", {}),
        (f"/faq/{items[0]}/omlaag", {}),
    ]:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert order(client.application) == before


def test_the_faq_needs_a_login(client, demo):
    response = client.get("/faq")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_post_without_csrf_token_is_refused(logged_in, items):
    client = logged_in("admin@demo.nl")
    assert client.post(f"/faq/{items[0]}/verwijderen").status_code == 400
    assert len(order(client.application)) == 3


def test_two_admins_editing_one_question_the_later_save_is_refused(logged_in, items):
    client = logged_in("admin@demo.nl")
    url = f"/faq/{items[1]}/bewerken"
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', first_tab).group(1)
    saved = client.post(url, data={"question": "Eerst?", "answer": "Eerst.", "version": version,
                                   "csrf_token": csrf_token(first_tab)})
    assert saved.status_code == 302
    late = client.post(url, data={"question": "Later?", "answer": "Later.", "version": version,
                                  "csrf_token": csrf_token(second_tab)})
    assert late.status_code == 400
    assert "Iemand anders heeft dit tegelijk gewijzigd" in late.get_data(as_text=True)
    assert "Eerst?" in order(client.application) and "Later?" not in order(client.application)
