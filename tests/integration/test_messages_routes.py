"""'Mijn berichten' through the Flask test client, on SQLite and PostgreSQL where the SQL matters:
writing, reading per recipient, refusals that send nothing, groups, replies, the counts on the
start pages, links in bodies and the closed door while looking along."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mijnportfolio.application import messages
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login
from tests.integration.test_students_list_query import counting

NEW_FORM = "/berichten/nieuw"


@pytest.fixture
def demo_any(any_app):
    c = any_app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    return any_app


def user_id(app, email: str) -> int:
    with app.extensions["container"].uow() as uow:
        return uow.users.get_by_email(email).id


def actor_of(app, email: str) -> Actor:
    with app.extensions["container"].uow() as uow:
        user = uow.users.get_by_email(email)
        return Actor(user_id=user.id, role=user.role, organisation_id=user.organisation_id)


def client_of(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def send(client, recipients: list[int], subject="Vraag", body="Hallo", **extra):
    page = client.get(NEW_FORM).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "recipients": [str(i) for i in recipients], "subject": subject,
            "body": body, **extra}
    return client.post(NEW_FORM, data=data)


def message_rows(app) -> int:
    with app.extensions["container"].engine().connect() as conn:
        return conn.execute(sa.text("SELECT COUNT(*) FROM messages")).scalar()


def summary(html: str) -> tuple[int, int]:
    match = re.search(r'class="card mb-3 messages-summary"[^>]*data-new="(\d+)" data-total="(\d+)"', html)
    assert match, "no 'Mijn berichten' summary on the page"
    return int(match.group(1)), int(match.group(2))


def test_a_student_writes_to_the_supervisor_who_then_sees_one_new_message_until_opening_it(demo_any):
    app = demo_any
    student = client_of(app, "student1@demo.nl")
    supervisor_id = user_id(app, "begeleider@demo.nl")
    response = send(student, [supervisor_id], subject="Vraag over onderdeel 2", body="Wanneer is het?")
    assert response.status_code == 302
    message_url = response.headers["Location"]
    assert re.fullmatch(r"/berichten/\d+", message_url)

    supervisor = client_of(app, "begeleider@demo.nl")
    assert summary(supervisor.get("/mijn-portfolio").get_data(as_text=True)) == (1, 1)
    inbox = supervisor.get("/berichten").get_data(as_text=True)
    assert "1 nieuw, 1 totaal" in inbox and "Vraag over onderdeel 2" in inbox and 'data-new="1"' in inbox
    page = supervisor.get(message_url).get_data(as_text=True)
    assert "Wanneer is het?" in page and "Demostudent 1" in page
    assert summary(supervisor.get("/mijn-portfolio").get_data(as_text=True)) == (0, 1)
    assert summary(supervisor.get("/examendashboard").get_data(as_text=True)) == (0, 1)

    # The sender sees who has read it.
    sent = student.get(message_url).get_data(as_text=True)
    assert "Gelezen door 1 van 1" in sent
    assert re.search(r'data-recipient="%d" data-read="1"' % supervisor_id, sent)
    assert "1 van 1" in student.get("/berichten/verzonden").get_data(as_text=True)


def test_the_recipient_gets_an_e_mail_without_the_subject_or_the_text(demo_any):
    app = demo_any
    c = app.extensions["container"]
    send(client_of(app, "student1@demo.nl"), [user_id(app, "begeleider@demo.nl")], subject="Privé", body="Geheim")
    with c.engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT recipients, subject, body FROM outbox ORDER BY id DESC")).all()
    mail = next(r for r in rows if r.recipients == "begeleider@demo.nl")
    assert mail.subject == "Nieuw bericht in MijnPortfolio van Demostudent 1"
    assert "Privé" not in mail.body and "Geheim" not in mail.body
    assert re.search(r"http://mijnportfolio\.test/berichten/\d+", mail.body)


def test_a_crafted_post_to_someone_the_student_may_not_write_to_is_refused_and_nothing_is_stored(demo_any):
    app = demo_any
    student = client_of(app, "student1@demo.nl")
    response = send(student, [user_id(app, "begeleider2@demo.nl")])  # not one of student 1's begeleiders
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Aan een van de gekozen ontvangers mag je geen bericht sturen. Er is niets verstuurd." in html
    assert "Britt" not in html  # whom an id belongs to stays unsaid
    assert message_rows(app) == 0
    response = send(student, [user_id(app, "student2@demo.nl")])
    assert response.status_code == 422 and message_rows(app) == 0


def test_an_empty_body_is_refused_beside_its_field(demo_any):
    app = demo_any
    response = send(client_of(app, "student1@demo.nl"), [user_id(app, "begeleider@demo.nl")], body="  ")
    assert response.status_code == 422
    assert "Bericht is verplicht." in response.get_data(as_text=True)
    assert message_rows(app) == 0


def test_the_form_offers_only_whom_the_user_may_write_to_with_the_stable_labels(demo_any):
    app = demo_any
    html = client_of(app, "student1@demo.nl").get(NEW_FORM).get_data(as_text=True)
    for label in ("Aan", "Onderwerp", "Bericht"):
        assert re.search(rf"<label[^>]*>{label}</label>", html), label
    assert re.search(r'<select[^>]*data-multi-filter="Ontvangers filteren" id="recipients" multiple', html)
    options = re.findall(r'<option value="\d+">([^<]+)</option>', html)
    assert "Bas de Begeleider (praktijkbegeleider)" in options and "Olga Opleider (praktijkopleider)" in options
    assert not any("Dam" in o or "Demostudent" in o or "Beheer" in o for o in options)
    assert 'name="group_id"' not in html  # students write to people, not to groups

    staff = client_of(app, "begeleider@demo.nl").get(NEW_FORM).get_data(as_text=True)
    assert "Demostudent 1 (student)" in staff and "Anderestudent" not in staff
    assert re.search(r'<label[^>]*for="group_id"[^>]*>Deelnemergroep</label>', staff)


def test_staff_write_to_a_whole_group_and_only_its_students_they_may_write_to_receive_it(demo_any):
    app = demo_any
    trainer = client_of(app, "opleider@demo.nl")
    page = trainer.get(NEW_FORM).get_data(as_text=True)
    group = re.search(r'<option value="(\d+)">VIG-3A</option>', page).group(1)
    response = trainer.post(NEW_FORM, data={"csrf_token": csrf_token(page), "group_id": group,
                                            "subject": "Stagedag", "body": "Tot vrijdag"})
    assert response.status_code == 302
    with app.extensions["container"].engine().connect() as conn:
        names = conn.execute(sa.text(
            "SELECT u.email FROM message_recipients r JOIN users u ON u.id = r.user_id ORDER BY u.email"
        )).scalars().all()
    # VIG-3A holds students 1, 2, 6 and 7; the trainer follows 1, 2 and 7 (6 has no trainer).
    assert names == ["student1@demo.nl", "student2@demo.nl", "student7@demo.nl"]


def test_someone_who_is_neither_sender_nor_recipient_gets_404_for_the_message(demo_any):
    app = demo_any
    response = send(client_of(app, "begeleider@demo.nl"), [user_id(app, "student1@demo.nl")])
    url = response.headers["Location"]
    for email in ("student2@demo.nl", "opleider@demo.nl", "admin@demo.nl"):
        client = client_of(app, email)
        assert client.get(url).status_code == 404, email
        assert client.get(url + "/beantwoorden").status_code == 404, email
    assert client_of(app, "student1@demo.nl").get("/berichten/999999").status_code == 404


def test_reply_all_leaves_out_whom_the_student_may_not_write_to(app, demo):
    supervisor = client_of(app, "begeleider@demo.nl")
    url = send(supervisor, [user_id(app, "student1@demo.nl"), user_id(app, "student2@demo.nl")],
               subject="Rooster").headers["Location"]
    student = client_of(app, "student1@demo.nl")
    page = student.get(url + "/allen-beantwoorden")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "aan Demostudent 2 mag je geen bericht sturen" in html
    assert 'value="Re: Rooster"' in html
    assert re.search(r'<option selected value="%d">' % user_id(app, "begeleider@demo.nl"), html)
    response = student.post(url + "/allen-beantwoorden", data={
        "csrf_token": csrf_token(html), "recipients": [str(user_id(app, "begeleider@demo.nl"))],
        "subject": "Re: Rooster", "body": "Dank je", "reply_to": "424242",  # the URL decides what is answered
    })
    assert response.status_code == 302
    reply = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dit gesprek" in reply and "Dank je" in reply
    assert url in reply  # the first message of the conversation is linked


def test_a_message_body_is_escaped_with_its_line_breaks_and_links_clickable(app, demo):
    url = send(client_of(app, "begeleider@demo.nl"), [user_id(app, "student1@demo.nl")],
               body='<script>alert(1)</script>\nZie https://example.org/a?b=1&c=2. en "http://x.nl/<b>"').headers["Location"]
    html = client_of(app, "student1@demo.nl").get(url).get_data(as_text=True)
    body = re.search(r'<div class="card-body message-body text-break">(.*?)</div>', html, re.S).group(1)
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in body
    assert ('<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">'
            "https://example.org/a?b=1&amp;c=2</a>.") in body
    assert '<a href="http://x.nl/" rel="noopener noreferrer nofollow" target="_blank">http://x.nl/</a>&lt;b&gt;' in body


def test_messages_stay_closed_while_looking_along(app, demo):
    client = client_of(app, "begeleider@demo.nl")
    with app.extensions["container"].uow() as uow:
        student_id = uow.students.get_by_user_id(user_id(app, "student1@demo.nl")).id
    page = client.get(f"/meekijken/{student_id}").get_data(as_text=True)
    assert client.post(f"/meekijken/{student_id}", data={"csrf_token": csrf_token(page)}).status_code == 302
    with client.session_transaction() as session:
        assert session.get("impersonation")  # the key the impersonation blueprint sets
    for url in ("/berichten", "/berichten/verzonden", "/berichten/nieuw", "/berichten/1"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Tijdens het meekijken zijn de berichten van de student niet zichtbaar" in response.get_data(as_text=True)


def test_every_role_has_mijn_berichten_in_the_menu_after_mijn_portfolio(app, demo):
    for email in ("admin@demo.nl", "begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl", "student1@demo.nl"):
        html = client_of(app, email).get("/berichten").get_data(as_text=True)
        menu = re.findall(r'<a class="nav-link text-white[^"]*" href="[^"]*"\s*(?:aria-current="page")?>([^<]+)</a>', html)
        assert "Mijn berichten" in menu, email
        assert menu.index("Mijn berichten") == menu.index("Mijn Portfolio") + 1, (email, menu)
        assert menu.index("Mijn berichten") < menu.index("Mijn agenda")


def test_the_inbox_paginates_newest_first(app, demo):
    c = app.extensions["container"]
    admin = actor_of(app, "admin@demo.nl")
    student = user_id(app, "student1@demo.nl")
    clock = app.config["TEST_CLOCK"]
    for n in range(30):
        clock.advance(minutes=1)
        messages.send_message(c.uow(), admin, clock, messages.NewMessage((student,), f"Bericht {n:02d}", "Tekst"))
    client = client_of(app, "student1@demo.nl")
    first = client.get("/berichten").get_data(as_text=True)
    assert "30 nieuw, 30 totaal" in first and "pagina 1 van 2" in first
    subjects = re.findall(r'title="(Bericht \d\d)"', first)
    assert subjects[:2] == ["Bericht 29", "Bericht 28"]
    page2 = client.get("/berichten?page=2").get_data(as_text=True)
    assert len(re.findall(r"<tr data-message=", page2)) == 5
    assert client.get("/berichten?page=99").status_code == 200  # beyond the last: the last page


def _count_statements(engine, run) -> int:
    with counting(engine) as statements:
        run()
    return len(statements)


@pytest.mark.parametrize("count", [3, 60])
def test_the_message_lists_and_the_choices_take_a_fixed_number_of_statements(demo_any, count):
    app = demo_any
    c = app.extensions["container"]
    supervisor = actor_of(app, "begeleider@demo.nl")
    students = [user_id(app, f"student{n}@demo.nl") for n in (1, 2, 3)]
    for n in range(count):
        messages.send_message(c.uow(), supervisor, c.clock(), messages.NewMessage(tuple(students), f"S{n}", "B"))
    query = c.message_query()
    student = actor_of(app, "student1@demo.nl")
    engine = c.engine()
    assert _count_statements(engine, lambda: messages.inbox(query, student)) == 2
    assert _count_statements(engine, lambda: messages.sent_messages(query, supervisor)) == 3
    assert _count_statements(engine, lambda: messages.message_counts(query, student)) == 1
    assert _count_statements(engine, lambda: messages.recipient_options(query, supervisor)) == 3
    assert messages.message_counts(query, student) == messages.MessageCounts(new=count, total=count)


def test_ids_beyond_what_the_database_stores_are_not_found_rather_than_an_error(demo_any):
    app = demo_any
    client = client_of(app, "begeleider@demo.nl")
    big = "9" * 25
    for url in (f"/berichten/{big}", f"/berichten/{big}/beantwoorden", f"/berichten/{big}/allen-beantwoorden"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/berichten?page={big}").status_code == 200
    assert client.get(f"/berichten/nieuw?aan={big}").status_code == 200
    response = send(client, [int(big)], group_id=big, reply_to=big)
    assert response.status_code in (404, 422)
    assert message_rows(app) == 0
