"""Vragenlijsten through the Flask test client, on SQLite and PostgreSQL where the SQL matters:
an admin makes and assigns one, a student of the group drafts and submits, refusals that lose
nothing, staff see only their students' responses, the summary and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from mijnportfolio.application import questionnaires as q
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.domain.permissions import Actor
from tests.helpers import csrf_token, login, post_form

UTC = dt.timezone.utc


@pytest.fixture
def demo_any(any_app):
    c = any_app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    return any_app


def client_of(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def admin_actor(app) -> Actor:
    with app.extensions["container"].uow() as uow:
        return Actor(user_id=uow.users.get_by_email("admin@demo.nl").id, role=uow.users.get_by_email("admin@demo.nl").role)


def group_id(app, name: str) -> int:
    with app.extensions["container"].uow() as uow:
        org = uow.organisations.get_by_name("Demo ROC")
        return uow.groups.get_by_name(org.id, name).id


def make_questionnaire(app, client) -> tuple[int, list[int]]:
    """Through the admin's pages: a questionnaire with an open, a multiple-choice and a scale question."""
    response = post_form(client, "/vragenlijsten/nieuw", {"title": "Evaluatie stage", "description": "Graag eerlijk."})
    assert response.status_code == 302
    qid = int(response.headers["Location"].rsplit("/", 1)[1])
    for data in (
        {"kind": "open", "text": "Wat ging goed?"},
        {"kind": "choice", "text": "Hoe was de begeleiding?", "options": "Goed\nMatig\nSlecht"},
        {"kind": "scale", "text": "Hoe tevreden ben je?"},
    ):
        assert post_form(client, f"/vragenlijsten/{qid}/vragen/nieuw", data).status_code == 302
    with app.extensions["container"].uow() as uow:
        ids = [question.id for question in uow.questionnaires.get(qid).ordered_questions()]
    return qid, ids


def assign_group(client, qid: int, group: int, deadline: str = "30-09-2026"):
    return post_form(client, f"/vragenlijsten/{qid}/toewijzen", {"group_ids": [str(group)], "deadline": deadline})


def answer(client, qid: int, values: dict, action: str = "draft"):
    page = client.get(f"/vragenlijsten/{qid}/invullen")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "action": action, **values}
    return client.post(f"/vragenlijsten/{qid}/invullen", data=data)


@pytest.fixture
def assigned(demo_any):
    """A questionnaire assigned to VIG-3A (students 1, 2, 6, 7) until 30-09-2026."""
    admin = client_of(demo_any, "admin@demo.nl")
    qid, ids = make_questionnaire(demo_any, admin)
    assert assign_group(admin, qid, group_id(demo_any, "VIG-3A")).status_code == 302
    return demo_any, admin, qid, ids


def test_a_group_student_answers_and_the_admin_sees_the_summary(assigned):
    app, admin, qid, (open_id, choice_id, scale_id) = assigned
    student = client_of(app, "student1@demo.nl")
    listing = student.get("/vragenlijsten").get_data(as_text=True)
    assert f'data-questionnaire="{qid}" data-status="open"' in listing and "30-09-2026" in listing

    assert answer(student, qid, {f"q{open_id}": "Veel geleerd"}).status_code == 302
    assert f'data-questionnaire="{qid}" data-status="draft"' in student.get("/vragenlijsten").get_data(as_text=True)
    page = student.get(f"/vragenlijsten/{qid}/invullen").get_data(as_text=True)
    assert ">Veel geleerd</textarea>" in page  # the draft comes back
    response = answer(student, qid, {f"q{open_id}": "Veel geleerd", f"q{choice_id}": "1", f"q{scale_id}": "4"}, "submit")
    assert response.status_code == 302
    assert f'data-questionnaire="{qid}" data-status="submitted"' in student.get("/vragenlijsten").get_data(as_text=True)

    second = client_of(app, "student2@demo.nl")
    answer(second, qid, {f"q{open_id}": "Prima", f"q{choice_id}": "1", f"q{scale_id}": "5"}, "submit")

    report = admin.get(f"/vragenlijsten/{qid}/antwoorden").get_data(as_text=True)
    assert 'data-submitted="2" data-assigned="4"' in report
    assert 'data-label="Matig" data-count="2"' in report and 'data-label="Goed" data-count="0"' in report
    assert 'data-label="4" data-count="1"' in report and 'data-label="5" data-count="1"' in report
    assert 'data-mean="4.5"' in report and "4,5" in report
    assert "Veel geleerd" in report and "Prima" in report
    listing = admin.get("/vragenlijsten").get_data(as_text=True)
    assert f'data-questionnaire="{qid}"' in listing and 'data-submitted="2"' in listing


def test_the_deadline_is_stored_as_the_end_of_that_dutch_day(assigned):
    app, _, qid, _ = assigned
    with app.extensions["container"].engine().connect() as conn:
        stored = conn.execute(sa.text("SELECT deadline FROM questionnaire_assignments")).scalar()
    if isinstance(stored, str):  # SQLite keeps the text
        stored = dt.datetime.fromisoformat(stored)
    assert stored.replace(tzinfo=None) == dt.datetime(2026, 9, 30, 21, 59, 59, 999999)


def test_submitting_twice_is_refused_with_a_message_and_the_first_answers_stay(assigned):
    app, admin, qid, (open_id, choice_id, scale_id) = assigned
    student = client_of(app, "student1@demo.nl")
    token = csrf_token(student.get(f"/vragenlijsten/{qid}/invullen").get_data(as_text=True))
    answer(student, qid, {f"q{open_id}": "Eerst", f"q{choice_id}": "0", f"q{scale_id}": "3"}, "submit")
    # A second tab, still showing the form, submits again.
    response = student.post(f"/vragenlijsten/{qid}/invullen", data={
        "csrf_token": token, "action": "submit", f"q{open_id}": "Anders", f"q{choice_id}": "2", f"q{scale_id}": "1",
    })
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Je hebt deze vragenlijst al ingestuurd" in html and "Eerst" in html
    with app.extensions["container"].engine().connect() as conn:
        assert conn.execute(sa.text("SELECT text FROM questionnaire_answers WHERE text IS NOT NULL")).scalars().all() == ["Eerst"]


def test_after_the_deadline_the_answers_typed_are_shown_again_and_nothing_is_stored(assigned):
    app, _, qid, (open_id, _, _) = assigned
    student = client_of(app, "student1@demo.nl")
    page = student.get(f"/vragenlijsten/{qid}/invullen").get_data(as_text=True)
    app.config["TEST_CLOCK"].set(dt.datetime(2026, 9, 30, 22, 0, tzinfo=UTC))  # midnight, Dutch time
    response = student.post(f"/vragenlijsten/{qid}/invullen", data={
        "csrf_token": csrf_token(page), "action": "draft", f"q{open_id}": "Mijn lange antwoord",
    })
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "De deadline van deze vragenlijst (30-09-2026) is verstreken" in html
    assert ">Mijn lange antwoord</textarea>" in html  # nothing typed is lost
    assert "Insturen</button>" not in html
    with app.extensions["container"].engine().connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM questionnaire_responses")).scalar() == 0
    assert 'data-status="expired"' in student.get("/vragenlijsten").get_data(as_text=True)


@pytest.mark.parametrize("field, value", [("choice", "7"), ("choice", "-1"), ("scale", "6"), ("scale", "0"), ("scale", "x")])
def test_a_crafted_answer_outside_the_choices_is_refused_beside_its_question(assigned, field, value):
    app, _, qid, (open_id, choice_id, scale_id) = assigned
    target = choice_id if field == "choice" else scale_id
    response = answer(client_of(app, "student1@demo.nl"), qid, {f"q{open_id}": "Tekst blijft", f"q{target}": value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="q{target}-error">Kies bij vraag \d ', html)
    assert ">Tekst blijft</textarea>" in html
    with app.extensions["container"].engine().connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM questionnaire_responses")).scalar() == 0


def test_submitting_with_an_open_question_names_it(assigned):
    app, _, qid, (open_id, choice_id, scale_id) = assigned
    response = answer(client_of(app, "student1@demo.nl"), qid, {f"q{choice_id}": "0", f"q{scale_id}": "2"}, "submit")
    assert response.status_code == 422
    assert "Vraag 1 is nog niet beantwoord." in response.get_data(as_text=True)


def test_a_student_without_the_questionnaire_and_a_student_asking_for_answers_get_404(assigned):
    app, _, qid, (open_id, choice_id, scale_id) = assigned
    answer(client_of(app, "student1@demo.nl"), qid, {f"q{open_id}": "a", f"q{choice_id}": "0", f"q{scale_id}": "3"}, "submit")
    with app.extensions["container"].engine().connect() as conn:
        response_id = conn.execute(sa.text("SELECT id FROM questionnaire_responses")).scalar()
    outsider = client_of(app, "student3@demo.nl")  # VIG-3B
    assert outsider.get(f"/vragenlijsten/{qid}/invullen").status_code == 404
    assert outsider.post(f"/vragenlijsten/{qid}/invullen", data={"action": "submit"}).status_code in (400, 404)
    assert qid and "Evaluatie stage" not in outsider.get("/vragenlijsten").get_data(as_text=True)
    for client in (outsider, client_of(app, "student1@demo.nl")):
        assert client.get(f"/vragenlijsten/{qid}/antwoorden").status_code == 404
        assert client.get(f"/vragenlijsten/{qid}/antwoorden/{response_id}").status_code == 404
        assert client.get(f"/vragenlijsten/{qid}/antwoorden.csv").status_code == 404
    assert client_of(app, "student1@demo.nl").get("/vragenlijsten/99999/invullen").status_code == 404


def test_staff_see_the_responses_of_their_own_students_only(assigned):
    app, _, qid, (open_id, choice_id, scale_id) = assigned
    answer(client_of(app, "student1@demo.nl"), qid, {f"q{open_id}": "Van 1", f"q{choice_id}": "0", f"q{scale_id}": "3"}, "submit")
    with app.extensions["container"].engine().connect() as conn:
        response_id = conn.execute(sa.text("SELECT id FROM questionnaire_responses")).scalar()
    supervisor = client_of(app, "begeleider@demo.nl")
    assert "Van 1" in supervisor.get(f"/vragenlijsten/{qid}/antwoorden").get_data(as_text=True)
    assert "Van 1" in supervisor.get(f"/vragenlijsten/{qid}/antwoorden/{response_id}").get_data(as_text=True)
    listing = supervisor.get("/vragenlijsten").get_data(as_text=True)
    assert "Evaluatie stage" in listing and "Vragenlijst toevoegen" not in listing
    other = client_of(app, "begeleider2@demo.nl")  # their student is in VIG-3B only
    report = other.get(f"/vragenlijsten/{qid}/antwoorden").get_data(as_text=True)
    assert "Van 1" not in report and 'data-submitted="0" data-assigned="0"' in report
    assert other.get(f"/vragenlijsten/{qid}/antwoorden/{response_id}").status_code == 404
    assert supervisor.get(f"/vragenlijsten/{qid}/bewerken").status_code == 403


def test_the_exports_neutralise_formulas_csv_with_bom_and_semicolons(assigned):
    app, admin, qid, (open_id, choice_id, scale_id) = assigned
    answer(client_of(app, "student1@demo.nl"), qid,
           {f"q{open_id}": "=HYPERLINK(\"x\")", f"q{choice_id}": "2", f"q{scale_id}": "5"}, "submit")
    response = admin.get(f"/vragenlijsten/{qid}/antwoorden.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Studentnummer", "Naam", "Ingestuurd op", "1. Wat ging goed?", "2. Hoe was de begeleiding?",
                       "3. Hoe tevreden ben je?"]
    assert rows[1] == ["100001", "Demostudent 1", "01-09-2026 11:00", "'=HYPERLINK(\"x\")", "Slecht", "5"]
    workbook = load_workbook(io.BytesIO(admin.get(f"/vragenlijsten/{qid}/antwoorden.xlsx").data))
    sheet = workbook.active
    assert [c.value for c in sheet[2]] == ["100001", "Demostudent 1", "01-09-2026 11:00", "'=HYPERLINK(\"x\")", "Slecht", "5"]
    assert sheet["D2"].data_type == "s"


def test_an_answered_questionnaire_keeps_its_questions_with_a_clear_message_but_texts_may_change(assigned):
    app, admin, qid, (open_id, choice_id, scale_id) = assigned
    answer(client_of(app, "student1@demo.nl"), qid, {f"q{open_id}": "Concept"})
    response = post_form(admin, f"/vragenlijsten/{qid}/vragen/nieuw", {"kind": "open", "text": "Nog een vraag"})
    assert response.status_code == 422
    assert "Deze vragenlijst is al (gedeeltelijk) ingevuld" in response.get_data(as_text=True)
    response = post_form(admin, f"/vragenlijsten/{qid}/vragen/{choice_id}/bewerken",
                         {"kind": "choice", "text": "Hoe was de begeleiding?", "options": "Goed\nMatig"})
    assert response.status_code == 422  # one option fewer
    response = post_form(admin, f"/vragenlijsten/{qid}/vragen/{choice_id}/bewerken",
                         {"kind": "choice", "text": "Hoe was je begeleiding?", "options": "Heel goed\nMatig\nSlecht"})
    assert response.status_code == 302
    detail = admin.get(f"/vragenlijsten/{qid}").get_data(as_text=True)
    assert "Hoe was je begeleiding?" in detail and "Heel goed" in detail
    assert 'aria-label="Verwijderen"' not in detail  # neither questions nor the questionnaire
    page = admin.get(f"/vragenlijsten/{qid}")
    delete = admin.post(f"/vragenlijsten/{qid}/verwijderen", data={"csrf_token": csrf_token(page.get_data(as_text=True))},
                        follow_redirects=True)
    assert "kan daarom niet worden verwijderd" in delete.get_data(as_text=True)


def test_the_admin_reorders_and_removes_questions_and_deletes_an_unanswered_questionnaire(app, demo):
    admin = client_of(app, "admin@demo.nl")
    qid, (first, second, third) = make_questionnaire(app, admin)
    assert post_form(admin, f"/vragenlijsten/{qid}/vragen/{third}/omhoog", {}, form_url=f"/vragenlijsten/{qid}").status_code == 302
    assert post_form(admin, f"/vragenlijsten/{qid}/vragen/{first}/verwijderen", {}, form_url=f"/vragenlijsten/{qid}").status_code == 302
    html = admin.get(f"/vragenlijsten/{qid}").get_data(as_text=True)
    assert re.findall(r'data-question="(\d+)"', html) == [str(third), str(second)]
    response = post_form(admin, f"/vragenlijsten/{qid}/verwijderen", {}, form_url=f"/vragenlijsten/{qid}")
    assert response.headers["Location"] == "/vragenlijsten"
    assert admin.get(f"/vragenlijsten/{qid}").status_code == 404


def test_assigning_without_anyone_or_with_a_past_deadline_is_refused_beside_the_fields(app, demo):
    admin = client_of(app, "admin@demo.nl")
    qid, _ = make_questionnaire(app, admin)
    response = post_form(admin, f"/vragenlijsten/{qid}/toewijzen", {"deadline": "01-01-2020"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kies minstens één student of deelnemergroep." in html and "De deadline ligt in het verleden" in html
    for label in ("Studenten", "Deelnemergroepen", "Deadline"):
        assert re.search(rf"<label[^>]*>{label}</label>", html), label


def test_a_student_assigned_directly_gets_it_and_an_unassignment_takes_it_away(app, demo):
    admin = client_of(app, "admin@demo.nl")
    qid, _ = make_questionnaire(app, admin)
    with app.extensions["container"].uow() as uow:
        org = uow.organisations.get_by_name("Demo ROC")
        student_id = uow.students.get_by_number(org.id, "100003").id
    assert post_form(admin, f"/vragenlijsten/{qid}/toewijzen", {"student_ids": [str(student_id)]}).status_code == 302
    student = client_of(app, "student3@demo.nl")
    assert student.get(f"/vragenlijsten/{qid}/invullen").status_code == 200
    detail = admin.get(f"/vragenlijsten/{qid}").get_data(as_text=True)
    assignment = re.search(r'data-assignment="(\d+)"', detail).group(1)
    assert post_form(admin, f"/vragenlijsten/{qid}/toewijzingen/{assignment}/verwijderen", {},
                     form_url=f"/vragenlijsten/{qid}").status_code == 302
    assert student.get(f"/vragenlijsten/{qid}/invullen").status_code == 404


def test_the_menu_shows_vragenlijsten_to_admins_students_and_staff(app, demo):
    for email in ("admin@demo.nl", "student1@demo.nl", "begeleider@demo.nl", "opleider@demo.nl", "examinator@demo.nl"):
        html = client_of(app, email).get("/vragenlijsten").get_data(as_text=True)
        assert 'aria-current="page">Vragenlijsten</a>' in html, email


@pytest.mark.parametrize("responses", [1, 4])
def test_the_questionnaire_read_models_take_a_fixed_number_of_statements(assigned, responses):
    app, _, qid, (open_id, choice_id, scale_id) = assigned
    for n in (1, 2, 6, 7)[:responses]:
        answer(client_of(app, f"student{n}@demo.nl"), qid,
               {f"q{open_id}": "x", f"q{choice_id}": "0", f"q{scale_id}": "3"}, "submit")
    c = app.extensions["container"]
    query = c.questionnaire_query()
    admin = admin_actor(app)
    engine = c.engine()
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        rows = q.list_questionnaires(query, admin)
        listing = len(statements)
        report = q.response_report(c.uow(), query, admin, qid)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert listing == 1
    assert report.submitted == responses and report.assigned == 4
    assert rows[0].submitted == responses
    # questionnaire with its questions (2), the responses with their answers (2), the assigned count (1)
    assert len(statements) - listing == 5


def test_ids_beyond_what_the_database_stores_are_not_found_rather_than_an_error(assigned):
    app, admin, qid, _ = assigned
    big = "9" * 25
    for url in (f"/vragenlijsten/{big}", f"/vragenlijsten/{big}/antwoorden", f"/vragenlijsten/{qid}/antwoorden/{big}",
                f"/vragenlijsten/{qid}/vragen/{big}/bewerken"):
        assert admin.get(url).status_code == 404, url
    response = post_form(admin, f"/vragenlijsten/{qid}/toewijzen", {"student_ids": [big], "group_ids": [big]})
    assert response.status_code == 422
    assert "Een gekozen student bestaat niet (meer)." in response.get_data(as_text=True)
    assert post_form(admin, f"/vragenlijsten/{qid}/toewijzingen/{big}/verwijderen", {},
                     form_url=f"/vragenlijsten/{qid}").status_code == 404
    student = client_of(app, "student1@demo.nl")
    assert student.get(f"/vragenlijsten/{big}/invullen").status_code == 404
