"""The student portal through the web: the tabs, the profile and photo, 'Log in als deze
student' (read-only, recorded, ending by itself), the admins' log and 'Mijn account'."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from tests.helpers import csrf_token, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PORTAL = "/mijn-portfolio/student"


def ids(app) -> dict[str, int]:
    with app.extensions["container"].engine().connect() as conn:
        return dict(conn.execute(sa.select(orm.students.c.student_number, orm.students.c.id)).all())


def client_of(app, email: str, password: str = "demo1234"):
    client = app.test_client()
    assert login(client, email, password).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def token(client, url: str = PORTAL) -> str:
    return csrf_token(text(client.get(url)))


def save_profile(client, *, photo: bytes | None = None, filename="foto.png", **fields):
    import io

    page = text(client.get(f"{PORTAL}?tab=student"))
    data = {
        "csrf_token": csrf_token(page),
        "version": re.search(r'name="version"[^>]*value="(\d+)"', page).group(1),
        "phone": "06-12345678", "street": "Dorpsstraat 12a", "postcode": "1234ab", "city": "Utrecht",
        "introduction": "Ik ben Demostudent 1 en werk bij Zorgcentrum De Linde.", **fields,
    }
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), filename)
    return client.post(f"{PORTAL}/profiel", data=data, content_type="multipart/form-data")


def start_looking_along(client, student_id: int):
    page = client.get(f"/meekijken/{student_id}")
    assert page.status_code == 200, text(page)
    return client.post(f"/meekijken/{student_id}", data={"csrf_token": csrf_token(text(page))})


def sessions(app) -> list:
    with app.extensions["container"].engine().connect() as conn:
        return conn.execute(sa.select(orm.impersonation_sessions).order_by(orm.impersonation_sessions.c.id)).all()


# -- the student's own portal -------------------------------------------------------------------


def test_a_student_has_four_tabs_each_at_its_own_url(demo):
    client = client_of(demo, "student1@demo.nl")
    overview = text(client.get(PORTAL))
    assert re.findall(r'data-tab="(\w+)"', overview) == ["overzicht", "student", "instrumenten", "berichten"]
    assert 'aria-current="page">Overzicht' in overview and "100001" in overview and "Mijn Portfolio" in overview
    for tab in ("student", "instrumenten", "berichten"):
        page = text(client.get(f"{PORTAL}?tab={tab}"))
        assert f'data-tab-panel="{tab}"' in page
    assert 'href="/berichten"' in text(client.get(f"{PORTAL}?tab=berichten")) or "Mijn berichten" in overview
    assert 'data-tab-panel="overzicht"' in text(client.get(f"{PORTAL}?tab=onzin"))


def test_instrumenten_shows_the_passed_exam_with_grades_per_core_task_and_the_reason(demo):
    page = text(client_of(demo, "student1@demo.nl").get(f"{PORTAL}?tab=instrumenten"))
    assert re.search(r'data-exam="LM" data-status="passed" data-attempt="1"', page)
    assert 'data-stage="done"' in page and "Afgerond" in page
    assert re.findall(r'data-core-task="(B1-K\d)" data-grade="([\d.]+)"', page)  # a grade for each core task
    assert 'data-outcome="passed"' in page and "Behaald: elke kerntaak voldoet" in page
    assert "Mijn agenda" in page


def test_instrumenten_shows_planned_parts_in_dutch_local_time_with_examiners(demo):
    page = text(client_of(demo, "student6@demo.nl").get(f"{PORTAL}?tab=instrumenten"))
    assert 'data-stage="planned"' in page and 'data-status="planned"' in page
    assert "Eva van Examinator" in page and "Erik Tweede" in page
    # The demo plans at 09:00 Amsterdam time; the page shows it so, whatever UTC says.
    assert re.search(r"\d\d-\d\d-\d{4} 09:00 – 12:00", page)


def test_instrumenten_shows_what_is_still_to_be_planned(demo):
    page = text(client_of(demo, "student3@demo.nl").get(f"{PORTAL}?tab=instrumenten"))
    assert 'data-stage="to_plan"' in page and "Nog in te plannen" in page and 'data-attempt="0"' in page


def test_a_failed_exam_and_its_retake_show_every_attempt_with_its_number(demo):
    page = text(client_of(demo, "student7@demo.nl").get(f"{PORTAL}?tab=instrumenten"))
    assert re.findall(r'data-attempt-number="(\d)"', page) == ["2", "1"]
    assert 'data-outcome="failed"' in page and "Niet behaald." in page


def test_a_student_sees_nothing_of_another_student(demo):
    known = ids(demo)
    client = client_of(demo, "student1@demo.nl")
    for tab in ("overzicht", "student", "instrumenten", "berichten"):
        page = text(client.get(f"{PORTAL}?tab={tab}"))
        assert "100002" not in page and "Demostudent 2" not in page and "Anderestudent" not in page
    for url in (f"/portfolios/{known['100002']}", f"/portfolios/{known['100002']}/foto",
                f"/portfolios/{known['200001']}/foto", "/portfolios/999999/foto"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "bestaat niet of je hebt er geen toegang toe" in text(response) or "geen foto" in text(response)


def test_staff_are_sent_to_their_own_list_from_the_students_page(demo):
    response = client_of(demo, "begeleider@demo.nl").get(PORTAL)
    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn-portfolio")


# -- the profile ---------------------------------------------------------------------------------


def test_a_student_saves_their_profile_and_photo_and_sees_them_back(demo):
    client = client_of(demo, "student1@demo.nl")
    response = save_profile(client, photo=PNG)
    assert response.status_code == 302, text(response)
    page = text(client.get(f"{PORTAL}?tab=student"))
    assert "Je profiel is opgeslagen." in page and 'value="1234 AB"' in page and "Zorgcentrum De Linde." in page
    photo_url = re.search(r'src="(/portfolios/\d+/foto[^"]*)"', page).group(1).replace("&amp;", "&")
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data == PNG
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    overview = text(client.get(PORTAL))
    assert "Dorpsstraat 12a" in overview and "1234 AB" in overview and "Utrecht" in overview
    # Whoever may see the student sees the photo; someone who may not, does not.
    student_id = ids(demo)["100001"]
    supervisor = client_of(demo, "begeleider@demo.nl")
    assert supervisor.get(f"/portfolios/{student_id}/foto").data == PNG
    staff_page = text(supervisor.get(f"/portfolios/{student_id}"))
    assert "Dorpsstraat 12a" in staff_page and 'alt="Foto van Demostudent 1"' in staff_page
    assert client_of(demo, "begeleider2@demo.nl").get(f"/portfolios/{student_id}/foto").status_code == 404
    assert client_of(demo, "student2@demo.nl").get(f"/portfolios/{student_id}/foto").status_code == 404


@pytest.mark.parametrize(
    "photo, filename, message",
    [
        (PNG + b"\x00" * (2 * 1024 * 1024), "groot.png", "De foto is te groot: een foto mag hoogstens 2 MB zijn."),
        (b"%PDF-1.7\n not an image", "foto.jpg", "Dit bestand is geen foto: kies een JPEG-, PNG- of WebP-afbeelding."),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "foto.svg", "Dit bestand is geen foto"),
    ],
)
def test_a_photo_that_is_too_large_or_not_an_image_is_refused_and_nothing_typed_is_lost(demo, photo, filename, message):
    client = client_of(demo, "student1@demo.nl")
    assert save_profile(client, photo=JPEG, introduction="Eerste versie").status_code == 302
    response = save_profile(client, photo=photo, filename=filename, introduction="Mijn nieuwe introductie", city="Zwolle")
    page = text(response)
    assert response.status_code == 422 and message in page
    assert "Mijn nieuwe introductie" in page and 'value="Zwolle"' in page  # what was typed is still there
    stored = text(client.get(f"{PORTAL}?tab=student"))
    assert "Eerste versie" in stored and 'value="Utrecht"' in stored  # nothing was saved
    photo_url = re.search(r'src="(/portfolios/\d+/foto[^"]*)"', stored).group(1).replace("&amp;", "&")
    assert client.get(photo_url).data == JPEG


def test_wrong_fields_are_shown_beside_each_field_and_the_photo_must_be_chosen_again(demo):
    client = client_of(demo, "student1@demo.nl")
    response = save_profile(client, photo=PNG, postcode="12", phone="bel me", introduction="x" * 2001)
    page = text(response)
    assert response.status_code == 422
    assert "1234 AB" in page and "alleen cijfers" in page and "2000 tekens" in page and "Kies de foto daarna opnieuw" in page


def test_a_profile_saved_in_another_tab_meanwhile_is_not_overwritten(demo):
    client = client_of(demo, "student1@demo.nl")
    stale = text(client.get(f"{PORTAL}?tab=student"))
    version = re.search(r'name="version"[^>]*value="(\d+)"', stale).group(1)
    assert save_profile(client, introduction="Eerste tabblad").status_code == 302
    response = client.post(f"{PORTAL}/profiel", data={"csrf_token": csrf_token(stale), "version": version,
                                                      "introduction": "Tweede tabblad"})
    assert response.status_code == 422 and "Iemand anders heeft dit tegelijk gewijzigd" in text(response)
    assert "Eerste tabblad" in text(client.get(f"{PORTAL}?tab=student"))


def test_staff_cannot_post_a_students_profile(demo):
    client = client_of(demo, "begeleider@demo.nl")
    response = client.post(f"{PORTAL}/profiel", data={"csrf_token": token(client, "/mijn-portfolio"), "introduction": "x"})
    assert response.status_code == 403


# -- 'Log in als deze student' --------------------------------------------------------------------


def test_the_icon_in_portfolios_leads_to_a_confirmation_and_looking_along_shows_the_students_view(demo):
    known = ids(demo)
    client = client_of(demo, "begeleider@demo.nl")
    listing = text(client.get("/portfolios"))
    assert f'href="/meekijken/{known["100001"]}" aria-label="Log in als deze student"' in listing
    confirmation = text(client.get(f"/meekijken/{known['100001']}"))
    assert "Je gaat meekijken met <strong>Demostudent 1</strong>" in confirmation and "30 minuten" in confirmation
    response = start_looking_along(client, known["100001"])
    assert response.status_code == 302 and response.headers["Location"].endswith(PORTAL)
    page = text(client.get(PORTAL))
    assert "Je kijkt mee met Demostudent 1" in page and "Stoppen met meekijken" in page
    assert re.findall(r'data-tab="(\w+)"', page) == ["overzicht", "student", "instrumenten"]
    # The menu is the student's: no staff lists, no messages, no account.
    menu = page[page.index('aria-label="Hoofdmenu"'):page.index('id="inhoud"')]
    assert "Mijn Portfolio" in menu and "Portfolio&#39;s" not in menu and "Mijn berichten" not in menu
    assert "Mijn account" not in menu and "Examenoverzicht" not in menu
    instruments = text(client.get(f"{PORTAL}?tab=instrumenten"))
    assert 'data-exam="LM" data-status="passed"' in instruments and "Je kijkt mee met Demostudent 1" in instruments
    assert "Mijn agenda" not in instruments  # that link would be the staff member's own calendar
    # The messages tab is not there, not even by its URL; every other page shows the banner.
    assert 'data-tab-panel="overzicht"' in text(client.get(f"{PORTAL}?tab=berichten"))
    assert "Je kijkt mee met Demostudent 1" in text(client.get("/faq"))
    assert "Je kijkt mee met Demostudent 1" in text(client.get("/bestaat-niet"))


def test_while_looking_along_the_profile_is_read_only_and_every_write_is_refused(demo):
    known = ids(demo)
    student = client_of(demo, "student1@demo.nl")
    assert save_profile(student, introduction="Mijn eigen woorden").status_code == 302
    client = client_of(demo, "begeleider@demo.nl")
    start_looking_along(client, known["100001"])
    page = text(client.get(f"{PORTAL}?tab=student"))
    assert "Mijn eigen woorden" in page and 'data-read-only="yes"' in page
    assert "<form" not in page.split('data-tab-panel="student"')[1].split("</section>")[0]
    good_token = csrf_token(page)
    crafted = [
        (f"{PORTAL}/profiel", {"introduction": "Namens de student", "version": "1"}),
        ("/account/wachtwoord", {"current_password": "demo1234", "new_password": "overgenomen1", "confirm_password": "overgenomen1"}),
        ("/account/gegevens", {"last_name": "Anders"}),
        ("/berichten", {"body": "Bericht namens de student"}),
        (f"/meekijken/{known['100002']}", {}),
        (f"/portfolios/{known['100001']}/deactiveren", {}),
        ("/agenda/vernieuwen", {}),
    ]
    for url, data in crafted:
        for with_token in (True, False):
            response = client.post(url, data={**data, **({"csrf_token": good_token} if with_token else {})})
            assert response.status_code == 403, (url, with_token, response.status_code)
            assert "tijdens het meekijken kun je niets wijzigen of versturen" in text(response)
    assert client.put(f"{PORTAL}/profiel").status_code == 403
    assert client.delete(f"/portfolios/{known['100001']}/foto").status_code == 403
    assert "Mijn eigen woorden" in text(student.get(f"{PORTAL}?tab=student"))
    assert login(demo.test_client(), "begeleider@demo.nl", "demo1234").status_code == 302  # password unchanged


def test_looking_along_does_not_nest(demo):
    known = ids(demo)
    client = client_of(demo, "begeleider@demo.nl")
    start_looking_along(client, known["100001"])
    again = client.get(f"/meekijken/{known['100002']}")
    assert again.status_code == 409 and "Stop eerst met meekijken" in text(again)
    assert 'aria-label="Log in als deze student"' not in text(client.get("/portfolios"))
    assert len(sessions(demo)) == 1


def test_stopping_goes_back_to_the_students_page_and_records_the_end(app, demo):
    known = ids(demo)
    client = client_of(demo, "begeleider@demo.nl")
    start_looking_along(client, known["100001"])
    app.config["TEST_CLOCK"].advance(minutes=7)
    response = client.post("/meekijken/stoppen", data={"csrf_token": token(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/portfolios/{known['100001']}")
    page = text(client.get(response.headers["Location"]))
    assert "Je kijkt niet meer mee met Demostudent 1." in page and "Je kijkt mee met" not in page
    (record,) = sessions(demo)
    assert record.end_reason == "stopped" and (record.ended_at - record.started_at).total_seconds() == 7 * 60
    assert client.get(PORTAL).status_code == 302  # back to being themselves


def test_after_30_minutes_looking_along_ends_by_itself(app, demo):
    known = ids(demo)
    client = client_of(demo, "opleider@demo.nl")
    start_looking_along(client, known["100001"])
    app.config["TEST_CLOCK"].advance(minutes=31)
    response = client.get(PORTAL, follow_redirects=True)
    page = text(response)
    assert "is na 30 minuten vanzelf gestopt" in page and "Je kijkt mee met" not in page
    (record,) = sessions(demo)
    assert record.end_reason == "expired" and record.ended_at == record.expires_at


def test_logging_out_ends_looking_along(demo):
    known = ids(demo)
    client = client_of(demo, "begeleider@demo.nl")
    start_looking_along(client, known["100002"])
    client.get("/logout")
    assert sessions(demo)[0].end_reason == "logged_out"


def test_only_linked_staff_and_admins_look_along(demo):
    known = ids(demo)
    assert client_of(demo, "begeleider2@demo.nl").get(f"/meekijken/{known['100001']}").status_code == 404
    assert client_of(demo, "opleider@demo.nl").get(f"/meekijken/{known['100003']}").status_code == 404  # not theirs
    examiner = client_of(demo, "examinator@demo.nl")
    assert examiner.get(f"/meekijken/{known['100001']}").status_code == 403  # sees the student, may not look along
    assert examiner.get(f"/meekijken/{known['100003']}").status_code == 404
    student = client_of(demo, "student1@demo.nl")
    assert student.get(f"/meekijken/{known['100001']}").status_code == 403
    assert student.get(f"/meekijken/{known['100002']}").status_code == 404
    assert student.post(f"/meekijken/{known['100002']}", data={"csrf_token": token(student, "/account")}).status_code == 404
    assert client_of(demo, "admin@demo.nl").get(f"/meekijken/{known['200001']}").status_code == 200
    assert client_of(demo, "begeleider@demo.nl").get("/meekijken/999999").status_code == 404
    assert sessions(demo) == []


def test_admins_see_every_session_on_a_page_of_their_own(demo):
    known = ids(demo)
    client = client_of(demo, "begeleider@demo.nl")
    start_looking_along(client, known["100001"])
    client.post("/meekijken/stoppen", data={"csrf_token": token(client)})
    admin = client_of(demo, "admin@demo.nl")
    page = text(admin.get("/beheer/meekijken"))
    assert "Meekijksessies" in page and "Bas de Begeleider" in page and "Demostudent 1" in page and "Gestopt" in page
    assert 'href="/beheer/meekijken"' in page  # in the admin's menu
    assert "Demostudent 1" not in text(admin.get("/beheer/meekijken?q=anderestudent"))
    assert admin.get("/beheer/meekijken?page=abc&per_page=-5&q=%25").status_code == 200
    assert client.get("/beheer/meekijken").status_code == 403
    assert client_of(demo, "student1@demo.nl").get("/beheer/meekijken").status_code == 403


# -- 'Mijn account' ---------------------------------------------------------------------------------


def test_every_user_finds_mijn_account_in_the_menu(demo):
    for email in ("admin@demo.nl", "begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl", "student1@demo.nl"):
        page = text(client_of(demo, email).get("/account"))
        assert 'href="/account"' in page and "Mijn account" in page and "Huidig wachtwoord" in page, email


def test_a_user_changes_their_password_with_the_current_one(demo):
    client = client_of(demo, "student1@demo.nl")
    wrong = client.post("/account/wachtwoord", data={"csrf_token": token(client, "/account"), "current_password": "fout",
                                                      "new_password": "kort", "confirm_password": "anders"})
    assert wrong.status_code == 422
    assert all(m in text(wrong) for m in ("Je huidige wachtwoord klopt niet.", "minstens 8 tekens", "niet gelijk"))
    right = client.post("/account/wachtwoord", data={"csrf_token": token(client, "/account"), "current_password": "demo1234",
                                                      "new_password": "nieuw-geheim-1", "confirm_password": "nieuw-geheim-1"})
    assert right.status_code == 302
    assert login(demo.test_client(), "student1@demo.nl", "demo1234").status_code == 401
    assert login(demo.test_client(), "student1@demo.nl", "nieuw-geheim-1").status_code == 302
    with demo.extensions["container"].engine().connect() as conn:
        subjects = conn.execute(sa.select(orm.outbox.c.subject, orm.outbox.c.recipients)).all()
    assert ("Je wachtwoord voor MijnPortfolio is gewijzigd", "student1@demo.nl") in subjects


def test_staff_change_their_name_and_phone_and_students_are_sent_to_their_tab(demo):
    client = client_of(demo, "begeleider@demo.nl")
    page = text(client.get("/account"))
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post("/account/gegevens", data={"csrf_token": csrf_token(page), "version": version, "first_name": "Bastiaan",
                                                       "infix": "de", "last_name": "Begeleider", "phone": "030-1234567"})
    assert response.status_code == 302
    page = text(client.get("/account"))
    assert 'value="Bastiaan"' in page and 'value="030-1234567"' in page and "Bastiaan de Begeleider" in page
    stale = client.post("/account/gegevens", data={"csrf_token": csrf_token(page), "version": version, "last_name": "X"})
    assert stale.status_code == 422 and "Iemand anders heeft dit tegelijk gewijzigd" in text(stale)
    bad = client.post("/account/gegevens", data={"csrf_token": csrf_token(page), "last_name": "", "phone": "bel me"})
    assert bad.status_code == 422 and "Achternaam is verplicht." in text(bad)
    student = client_of(demo, "student1@demo.nl")
    student_page = text(student.get("/account"))
    assert "tabblad" in student_page and 'name="last_name"' not in student_page
    assert student.post("/account/gegevens", data={"csrf_token": csrf_token(student_page), "last_name": "Anders"}).status_code == 403
