"""Planning through the web: the overview's cells, the planning screen, bad input, permissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from tests.helpers import csrf_token, login

CELL = re.compile(r'data-student="(\w+)" data-exam="(\w+)"\s+data-status="(\w+)" data-attempt="(\d+)"')


def cells(html: str) -> dict[str, tuple[str, int]]:
    return {student: (status, int(attempt)) for student, _exam, status, attempt in CELL.findall(html)}


def ids(app) -> dict:
    with app.extensions["container"].engine().connect() as conn:
        students = dict(conn.execute(sa.select(orm.students.c.student_number, orm.students.c.id)).all())
        exam = conn.execute(sa.select(orm.exams.c.id).where(orm.exams.c.code == "LM")).scalar_one()
        programme = conn.execute(sa.select(orm.programmes.c.id).where(orm.programmes.c.crebo == "25491")).scalar_one()
        users = dict(conn.execute(sa.select(orm.users.c.email, orm.users.c.id)).all())
    return {"students": students, "exam": exam, "programme": programme, "users": users}


def plan_url(app, number: str, retake: bool = False) -> str:
    known = ids(app)
    url = f"/studenten/{known['students'][number]}/examens/{known['exam']}/inplannen"
    return url + ("?herkansing=1" if retake else "")


def part_fields(app, index: int, *, start="22-09-2026 09:00", end="22-09-2026 12:00", examiner="examinator@demo.nl",
                examiner2="examinator2@demo.nl", **extra) -> dict:
    users = ids(app)["users"]
    fields = {
        f"parts-{index}-plan": "1", f"parts-{index}-start": start, f"parts-{index}-end": end,
        f"parts-{index}-location": "Zorgcentrum De Linde",
        f"parts-{index}-examiner1_id": str(users[examiner]) if examiner else "",
        f"parts-{index}-examiner2_id": str(users[examiner2]) if examiner2 else "",
    }
    fields.update({f"parts-{index}-{k}": v for k, v in extra.items()})
    return fields


def post_plan(client, app, number: str, data: dict, retake: bool = False):
    url = plan_url(app, number, retake)
    page = client.get(url)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, **({"herkansing": "1"} if retake else {})})


def overview(client, app) -> str:
    return client.get(f"/examenoverzicht?opleiding={ids(app)['programme']}").get_data(as_text=True)


def counts(app) -> tuple[int, int, int]:
    with app.extensions["container"].engine().connect() as conn:
        return tuple(conn.scalar(sa.select(sa.func.count()).select_from(t)) for t in (orm.attempts, orm.part_plannings, orm.outbox))


@pytest.fixture
def supervisor(logged_in):
    return logged_in("begeleider@demo.nl")


def test_the_overview_shows_every_status_of_the_demo_with_its_attempt_and_a_legend(supervisor, demo):
    html = overview(supervisor, demo)
    assert cells(html) == {
        "100001": ("passed", 1), "100002": ("failed", 1), "100003": ("not_planned", 0),
        "100004": ("partially_planned", 1), "100005": ("partially_planned_started", 1), "100006": ("planned", 1),
        "100007": ("started", 2),
    }
    assert "Legenda" in html and 'aria-label="Inplannen"' in html and 'aria-label="Herkansing inplannen"' in html
    summary = dict(re.findall(r'data-summary="(\w+)" data-count="(\d+)"', html))
    assert summary == {s: "1" for s in ("not_planned", "partially_planned", "partially_planned_started", "planned",
                                        "started", "passed", "failed")}
    assert "200001" not in html  # Anderestudent belongs to another supervisor


def test_the_supervisor_plans_demostudent_3_and_the_cell_turns_grey_then_blue(supervisor, demo):
    before = counts(demo)
    response = post_plan(supervisor, demo, "100003", {**part_fields(demo, 0), **part_fields(demo, 1, copy_previous="1")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert cells(overview(supervisor, demo))["100003"] == ("planned", 1)
    attempts, plannings, mails = counts(demo)
    assert (attempts, plannings, mails) == (before[0] + 1, before[1] + 2, before[2] + 3)
    demo.config["TEST_CLOCK"].set(dt.datetime(2026, 9, 22, 7, 0, tzinfo=dt.timezone.utc))  # 09:00 Dutch summer time
    assert cells(overview(supervisor, demo))["100003"] == ("started", 1)


def test_the_red_cell_starts_attempt_2(supervisor, demo):
    page = supervisor.get(plan_url(demo, "100002", retake=True)).get_data(as_text=True)
    assert 'data-attempt-number="2"' in page and "Herkansing inplannen" in page
    response = post_plan(supervisor, demo, "100002", part_fields(demo, 0), retake=True)
    assert response.status_code == 302
    assert cells(overview(supervisor, demo))["100002"] == ("partially_planned", 2)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"end": "22-09-2026 08:00"}, "De einddatum/eindtijd ligt vóór de begindatum/begintijd."),
        ({"start": "31-02-2027 09:00"}, "bestaat niet"),
        ({"start": "volgende week"}, "is geen datum"),
        ({"examiner2": "examinator@demo.nl"}, "twee verschillende examinatoren"),
        ({"examiner2": "opleider@demo.nl"}, "geen actieve examinator"),
        ({"examiner": None}, "kies een beoordelaar"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_nothing_is_stored(supervisor, demo, fields, message):
    before = counts(demo)
    response = post_plan(supervisor, demo, "100003", part_fields(demo, 0, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(demo) == before


def test_an_examiner_of_another_organisation_is_refused(supervisor, demo):
    from mijnportfolio.application.organisations import StaffData, create_staff_user
    from mijnportfolio.domain.organisations import Organisation, Role
    from mijnportfolio.domain.permissions import Actor

    c = demo.extensions["container"]
    with c.uow() as uow:
        other = Organisation(name="Ander ROC")
        uow.organisations.add(other)
        uow.commit()
        other_id = other.id
    create_staff_user(c.uow(), Actor(1, Role.ADMIN), c.clock(), c.hasher(),
                      StaffData("vreemd@ander.nl", "examiner", "Vera", None, "Vreemd", other_id), password="geheim123")
    before = counts(demo)
    users = ids(demo)["users"]
    response = post_plan(supervisor, demo, "100003", {**part_fields(demo, 0), "parts-0-examiner2_id": str(users["vreemd@ander.nl"])})
    assert response.status_code == 422 and "geen actieve examinator van de organisatie" in response.get_data(as_text=True)
    assert counts(demo) == before


def test_planning_a_part_that_already_has_a_final_assessment_is_refused(supervisor, demo):
    # Demostudent 5 has part 1 planned and started; make its assessment final.
    known = ids(demo)
    with demo.extensions["container"].engine().begin() as conn:
        attempt = conn.execute(sa.select(orm.attempts.c.id).where(orm.attempts.c.student_id == known["students"]["100005"])).scalar_one()
        conn.execute(sa.update(orm.part_plannings).where(orm.part_plannings.c.attempt_id == attempt)
                     .values(finalized_at=dt.datetime(2026, 8, 31, 12, 0, tzinfo=dt.timezone.utc)))
    page = supervisor.get(plan_url(demo, "100005")).get_data(as_text=True)
    assert "definitief beoordeeld" in page
    before = counts(demo)
    token = csrf_token(page)
    response = supervisor.post(plan_url(demo, "100005"), data={**part_fields(demo, 0), "csrf_token": token})
    assert response.status_code == 422 and "definitief beoordeeld" in response.get_data(as_text=True)
    assert counts(demo) == before
    # A passed exam offers nothing to plan at all.
    response = supervisor.get(plan_url(demo, "100001"), follow_redirects=True)
    assert "al behaald" in response.get_data(as_text=True)


def test_a_retake_of_a_passed_exam_or_beyond_the_maximum_is_refused(supervisor, demo):
    response = supervisor.get(plan_url(demo, "100001", retake=True), follow_redirects=True)
    assert "al behaald" in response.get_data(as_text=True)
    c = demo.extensions["container"]
    with c.engine().begin() as conn:
        conn.execute(sa.update(orm.exams).where(orm.exams.c.code == "LM").values(max_attempts=1))
    response = supervisor.get(plan_url(demo, "100002", retake=True), follow_redirects=True)
    assert "maximale aantal pogingen (1)" in response.get_data(as_text=True)


def test_someone_without_the_right_to_plan_gets_403_and_a_stranger_404(logged_in, demo):
    trainer = logged_in("opleider@demo.nl")
    assert trainer.get(plan_url(demo, "100001")).status_code == 403
    token = csrf_token(trainer.get("/agenda").get_data(as_text=True))
    before = counts(demo)
    assert trainer.post(plan_url(demo, "100001"), data={**part_fields(demo, 0), "csrf_token": token}).status_code == 403
    assert counts(demo) == before
    supervisor = demo.test_client()
    login(supervisor, "begeleider@demo.nl")
    assert supervisor.get(plan_url(demo, "200001")).status_code == 404
    token = csrf_token(supervisor.get("/agenda").get_data(as_text=True))
    assert supervisor.post(plan_url(demo, "200001"), data={**part_fields(demo, 0), "csrf_token": token}).status_code == 404
    assert counts(demo) == before


def test_an_overlapping_booking_is_shown_and_can_be_accepted(supervisor, demo):
    # Demostudent 6 has LM part 1 with examinator@demo.nl 14 days after the seed, at 09:00.
    start = (dt.datetime(2026, 9, 1) + dt.timedelta(days=14)).strftime("%d-%m-%Y")
    fields = part_fields(demo, 0, start=f"{start} 10:00", end=f"{start} 11:00", examiner2=None)
    response = post_plan(supervisor, demo, "100003", fields)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "dubbele boekingen" in page and "Eva van Examinator is dan al ingepland" in page
    assert cells(overview(supervisor, demo))["100003"] == ("not_planned", 0)
    response = post_plan(supervisor, demo, "100003", {**fields, "accept_conflicts": "1"})
    assert response.status_code == 302
    assert cells(overview(supervisor, demo))["100003"] == ("partially_planned", 1)


def test_a_planned_part_is_replanned_and_cancelled_from_the_attempt_page(supervisor, demo):
    post_plan(supervisor, demo, "100003", part_fields(demo, 0))
    html = overview(supervisor, demo)
    attempt_url = re.search(r'data-student="100003"[^>]*>.*?href="(/pogingen/\d+)"', html, re.S).group(1)
    page = supervisor.get(attempt_url).get_data(as_text=True)
    assert "22-09-2026 09:00" in page and "Eva van Examinator" in page
    cancel = re.search(r'action="(/planningen/\d+/annuleren[^"]*)"', page).group(1).replace("&amp;", "&")
    response = supervisor.post(cancel, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert cells(overview(supervisor, demo))["100003"] == ("not_planned", 0)


def test_the_export_has_every_filtered_row_and_neutralises_formulas(supervisor, demo):
    c = demo.extensions["container"]
    with c.engine().begin() as conn:
        student_user = conn.execute(sa.select(orm.students.c.user_id).where(orm.students.c.student_number == "100003")).scalar_one()
        conn.execute(sa.update(orm.users).where(orm.users.c.id == student_user).values(first_name="=HYPERLINK(\"x\")"))
    programme = ids(demo)["programme"]
    csv_text = supervisor.get(f"/examenoverzicht/export.csv?opleiding={programme}").data.decode("utf-8-sig")
    assert "Behaald, poging 1" in csv_text and "Niet behaald, poging 1" in csv_text
    assert "'=HYPERLINK" in csv_text
    xlsx = supervisor.get(f"/examenoverzicht/export.xlsx?opleiding={programme}&cohort=2025")
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(xlsx.data))
    sheet = workbook.active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert len(names) == 3 and all(not str(n).startswith("=") for n in names)
    assert workbook.sheetnames == ["Examenoverzicht", "Totaal"] and sheet.freeze_panes == "D2"
    assert sheet["A1"].value == "Studentnummer" and sheet["A1"].font.bold
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))  # student numbers stay text
    colours = {row[3].value: row[3].fill.fgColor.rgb for row in sheet.iter_rows(min_row=2)}
    assert colours.get("Behaald, poging 1", "00C6EFCE").endswith("C6EFCE")
    assert any(v.endswith(("C6EFCE", "FFC7CE", "D9D9D9", "BDD7EE", "EDEDED", "DDEBF7")) for v in colours.values())


def test_the_calendar_feed_lists_the_examiners_parts_and_a_renewed_link_replaces_the_old(logged_in, demo):
    examiner = logged_in("examinator@demo.nl")
    page = examiner.get("/agenda").get_data(as_text=True)
    examiner.post("/agenda/vernieuwen", data={"csrf_token": csrf_token(page)})
    first = re.search(r'value="(http[^"]+\.ics)"', examiner.get("/agenda").get_data(as_text=True)).group(1)
    path = first.split("mijnportfolio.test", 1)[1]
    feed = demo.test_client().get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Amsterdam" in body and body.count("BEGIN:VEVENT") >= 5
    page = examiner.get("/agenda").get_data(as_text=True)
    examiner.post("/agenda/vernieuwen", data={"csrf_token": csrf_token(page)})
    assert demo.test_client().get(path).status_code == 404


def test_an_examiner_of_planned_parts_is_linked_to_those_students_everywhere(logged_in, demo):
    examiner = logged_in("examinator@demo.nl")
    listing = examiner.get("/mijn-portfolio").get_data(as_text=True)
    shown = set(re.findall(r'data-student="(\d+)"', listing))
    assert {"100001", "100002", "100004", "100005", "100006", "100007"} <= shown and "100003" not in shown
    known = ids(demo)
    portfolio = examiner.get(f"/portfolios/{known['students']['100005']}")
    assert portfolio.status_code == 200 and "Examinator" in portfolio.get_data(as_text=True)
    assert examiner.get(f"/portfolios/{known['students']['100003']}").status_code == 404
    # Planning Demostudent 3 with this examiner links them too.
    supervisor = demo.test_client()
    login(supervisor, "begeleider@demo.nl")
    assert post_plan(supervisor, demo, "100003", part_fields(demo, 0, examiner2=None)).status_code == 302
    assert examiner.get(f"/portfolios/{known['students']['100003']}").status_code == 200
    assert "100003" in set(re.findall(r'data-student="(\d+)"', examiner.get("/mijn-portfolio").get_data(as_text=True)))
