"""Messages (manual chapter 4) and questionnaires (manual 1.2.1) in Chromium: a student writes to
the supervisor, whose 'Mijn Portfolio' then shows one new message until it is opened; an admin
assigns a questionnaire to a group, a student answers it, the admin reads the summary. Refusals,
and the accessibility check of the main pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import AXE_OPTIONS, _serious

SUBJECT = "Vraag over mijn examen"
BODY = "Beste Bas,\nWanneer wordt onderdeel 2 ingepland?\nZie ook https://example.org/rooster."
TITLE = "Evaluatie van de stage"


def menu(page: Page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def summary_counts(page: Page) -> tuple[int, int]:
    box = page.locator(".messages-summary")
    expect(box).to_be_visible()
    return int(box.get_attribute("data-new")), int(box.get_attribute("data-total"))


def scalar(live_app, sql: str, **params):
    with live_app.extensions["container"].engine().connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_a_student_writes_to_the_supervisor_who_sees_one_new_message_until_opening_it(
    login_as, page, base_url, screenshot
):
    login_as("begeleider@demo.nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn Portfolio")
    new_before, total_before = summary_counts(page)

    login_as("student1@demo.nl")
    menu(page).get_by_role("link", name="Mijn berichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn berichten")
    page.get_by_role("link", name="Nieuw bericht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw bericht")
    # The list of whom one may write to filters as you type; a click chooses without Ctrl.
    page.get_by_label("Ontvangers filteren").fill("begeleider")
    recipients = page.get_by_label("Aan", exact=True)
    expect(recipients.locator("option:not([hidden])")).to_have_count(1)
    recipients.locator("option", has_text="Bas de Begeleider").click()
    expect(page.locator(".multi-select-count")).to_have_text("1 gekozen")
    page.get_by_label("Onderwerp").fill(SUBJECT)
    page.get_by_label("Bericht", exact=True).fill(BODY)
    screenshot("messages-new-student")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Je bericht is verstuurd.")
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.get_by_text("Nog niet gelezen")).to_be_visible()

    login_as("begeleider@demo.nl")
    assert summary_counts(page) == (new_before + 1, total_before + 1)
    expect(page.locator(".messages-summary")).to_contain_text(f"{new_before + 1} nieuw")
    screenshot("messages-summary-mijn-portfolio")
    page.locator(".messages-summary").get_by_role("link", name="Mijn berichten").click()
    expect(page.get_by_text(f"{new_before + 1} nieuw, {total_before + 1} totaal")).to_be_visible()
    row = page.locator("tr", has_text=SUBJECT)
    expect(row.get_by_text("nieuw")).to_be_visible()
    screenshot("messages-inbox-supervisor")
    row.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    body = page.locator(".message-body")
    expect(body).to_contain_text("Wanneer wordt onderdeel 2 ingepland?")
    expect(body.get_by_role("link", name="https://example.org/rooster")).to_have_attribute("href", "https://example.org/rooster")
    screenshot("messages-message-supervisor")
    menu(page).get_by_role("link", name="Mijn Portfolio").click()
    assert summary_counts(page) == (new_before, total_before + 1)

    # The supervisor answers; the student sees the conversation.
    page.goto(f"{base_url}/berichten")
    page.get_by_role("link", name=SUBJECT).click()
    page.get_by_role("link", name="Beantwoorden").click()
    expect(page.get_by_label("Onderwerp")).to_have_value(f"Re: {SUBJECT}")
    expect(page.get_by_label("Aan", exact=True).locator("option:checked")).to_have_text(["Demostudent 1 (student)"])
    page.get_by_label("Ontvangers filteren").fill("Demostudent 1")
    expect(page.locator("#recipients optgroup[label='Begeleiders en medewerkers']")).to_have_js_property("hidden", True)
    expect(page.locator("#recipients optgroup[label='Studenten']")).to_have_js_property("hidden", False)
    page.get_by_label("Bericht", exact=True).fill("Volgende week dinsdag, om 9 uur.")
    screenshot("messages-reply-supervisor")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Je bericht is verstuurd.")

    login_as("student1@demo.nl")
    page.goto(f"{base_url}/berichten/verzonden")
    expect(page.locator("tr", has_text=SUBJECT)).to_contain_text("1 van 1")
    screenshot("messages-sent-student")
    page.goto(f"{base_url}/berichten")
    page.get_by_role("link", name=f"Re: {SUBJECT}").click()
    expect(page.get_by_role("heading", name="Dit gesprek")).to_be_visible()
    expect(page.locator(".thread li")).to_have_count(2)
    screenshot("messages-thread-student")


def test_refusals_send_nothing_and_a_stranger_gets_not_found(login_as, page, base_url, live_app, screenshot):
    login_as("student1@demo.nl")
    page.goto(f"{base_url}/berichten/nieuw")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    stranger_id = scalar(live_app, "SELECT id FROM users WHERE email = 'begeleider2@demo.nl'")
    before = scalar(live_app, "SELECT COUNT(*) FROM messages")
    # A crafted form naming someone the student may not write to.
    response = page.request.post(f"{base_url}/berichten/nieuw", form={
        "csrf_token": token, "recipients": str(stranger_id), "subject": "Hallo", "body": "Mag dit?",
    })
    assert response.status == 422
    assert "Aan een van de gekozen ontvangers mag je geen bericht sturen. Er is niets verstuurd." in response.text()
    assert scalar(live_app, "SELECT COUNT(*) FROM messages") == before

    # An empty body, through the form.
    page.get_by_label("Aan", exact=True).select_option(label="Bas de Begeleider (praktijkbegeleider)")
    page.get_by_label("Onderwerp").fill("Zonder tekst")
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".invalid-feedback", has_text="Bericht is verplicht.")).to_be_visible()
    expect(page.get_by_label("Onderwerp")).to_have_value("Zonder tekst")
    screenshot("messages-empty-body")
    assert _serious(Axe().run(page, options=AXE_OPTIONS)) == []  # the form with its error messages
    assert scalar(live_app, "SELECT COUNT(*) FROM messages") == before

    # Another student's message is not found.
    mine = scalar(live_app, "SELECT m.id FROM messages m JOIN users u ON u.id = m.sender_id "
                            "WHERE u.email = 'student1@demo.nl' ORDER BY m.id LIMIT 1")
    assert mine is not None, "the first test sent one"
    login_as("student2@demo.nl")
    response = page.goto(f"{base_url}/berichten/{mine}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")


def test_an_admin_assigns_a_questionnaire_to_a_group_a_student_answers_it_and_the_admin_sees_the_summary(
    login_as, page, base_url, live_app, screenshot
):
    deadline = (dt.date.today() + dt.timedelta(days=30)).strftime("%d-%m-%Y")
    login_as("admin@demo.nl")
    menu(page).get_by_role("link", name="Vragenlijsten").click()
    page.get_by_role("link", name="Vragenlijst toevoegen").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Omschrijving").fill("Je antwoorden helpen ons de stages te verbeteren.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    for kind, text, options in (
        ("Open vraag", "Wat heb je het meest geleerd?", None),
        ("Meerkeuzevraag (één antwoord)", "Hoe was de begeleiding op je stageplek?", "Goed\nMatig\nSlecht"),
        ("Schaal van 1 tot en met 5", "Hoe tevreden ben je over je stage?", None),
    ):
        page.get_by_role("link", name="Vraag toevoegen").click()
        page.get_by_label("Soort vraag").select_option(label=kind)
        page.get_by_label("Vraag", exact=True).fill(text)
        if options:
            page.get_by_label("Antwoordmogelijkheden").fill(options)
        page.get_by_role("button", name="Opslaan").click()
        expect(page.get_by_role("status").first).to_contain_text("De vraag is toegevoegd.")
    page.get_by_role("link", name="Toewijzen").click()
    page.get_by_label("Deelnemergroepen", exact=True).select_option(label="VIG-3A")
    page.get_by_label("Deadline").fill(deadline)
    screenshot("questionnaire-assign")
    page.get_by_role("button", name="Toewijzen").click()
    expect(page.get_by_role("status").first).to_contain_text("1 toewijzing toegevoegd")
    expect(page.locator("table.assignments")).to_contain_text("VIG-3A")
    expect(page.locator("table.assignments")).to_contain_text(deadline)
    screenshot("questionnaire-admin-detail")

    login_as("student1@demo.nl")
    menu(page).get_by_role("link", name="Vragenlijsten").click()
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text(deadline)
    row.get_by_role("link", name="Invullen").click()
    page.get_by_label("1. Wat heb je het meest geleerd?").fill("Rapporteren volgens de afspraken.")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text("opgeslagen als concept")
    expect(page.get_by_label("1. Wat heb je het meest geleerd?")).to_have_value("Rapporteren volgens de afspraken.")
    page.get_by_role("group", name="2. Hoe was de begeleiding op je stageplek?").get_by_label("Goed").check()
    page.get_by_role("group", name="3. Hoe tevreden ben je over je stage?").get_by_text("4", exact=True).click()
    screenshot("questionnaire-student-answering")
    assert _serious(Axe().run(page, options=AXE_OPTIONS)) == []  # the form itself, before it is submitted
    page.get_by_role("button", name="Insturen").click()
    expect(page.get_by_role("status").first).to_contain_text("Je antwoorden zijn ingestuurd.")
    expect(page.locator("tr", has_text=TITLE)).to_contain_text("Ingestuurd")
    screenshot("questionnaire-student-list")
    questionnaire_id = scalar(live_app, "SELECT id FROM questionnaires WHERE title = :t", t=TITLE)
    response_id = scalar(live_app, "SELECT id FROM questionnaire_responses WHERE questionnaire_id = :q", q=questionnaire_id)

    # Another student of the group learns nothing of these answers; one outside it not even of the questionnaire.
    login_as("student2@demo.nl")
    assert page.goto(f"{base_url}/vragenlijsten/{questionnaire_id}/antwoorden/{response_id}").status == 404
    assert page.goto(f"{base_url}/vragenlijsten/{questionnaire_id}/antwoorden").status == 404
    login_as("student3@demo.nl")
    assert page.goto(f"{base_url}/vragenlijsten/{questionnaire_id}/invullen").status == 404

    login_as("admin@demo.nl")
    page.goto(f"{base_url}/vragenlijsten")
    page.locator("tr", has_text=TITLE).get_by_role("link", name="Antwoorden bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Antwoorden: {TITLE}")
    expect(page.get_by_text(re.compile(r"^1 van 4 studenten heeft de vragenlijst ingestuurd\.$"))).to_be_visible()
    choice = page.locator(".question-summary", has_text="Hoe was de begeleiding")
    expect(choice.locator("tr", has_text="Goed").locator("td").nth(1)).to_have_text("1")
    scale = page.locator(".question-summary", has_text="Hoe tevreden")
    expect(scale).to_contain_text("gemiddelde 4,0")
    expect(page.locator(".question-summary", has_text="meest geleerd")).to_contain_text("Rapporteren volgens de afspraken.")
    screenshot("questionnaire-admin-summary")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


ACCESSIBILITY_PAGES = {
    "student1@demo.nl": ["/berichten", "/berichten/nieuw", "/berichten/verzonden", "/vragenlijsten", "{message}",
                         "{answer}"],
    "begeleider@demo.nl": ["/mijn-portfolio", "/berichten", "{message}", "{reply}", "/vragenlijsten", "{responses}"],
    "admin@demo.nl": ["/vragenlijsten", "/vragenlijsten/nieuw", "{detail}", "{assign}", "{question}", "{responses}",
                      "{response}", "/examendashboard"],
}


@pytest.mark.parametrize("email", list(ACCESSIBILITY_PAGES))
def test_the_message_and_questionnaire_pages_have_no_serious_accessibility_violations(
    login_as, page, base_url, live_app, email
):
    message = scalar(live_app, "SELECT MIN(m.id) FROM messages m JOIN message_recipients r ON r.message_id = m.id "
                               "JOIN users u ON u.id = r.user_id WHERE u.email = 'begeleider@demo.nl'")
    questionnaire = scalar(live_app, "SELECT id FROM questionnaires WHERE title = :t", t=TITLE)
    question = scalar(live_app, "SELECT MIN(id) FROM questionnaire_questions WHERE questionnaire_id = :q", q=questionnaire)
    response = scalar(live_app, "SELECT MIN(id) FROM questionnaire_responses WHERE questionnaire_id = :q", q=questionnaire)
    assert message and questionnaire, "the tests above create what is checked here"
    paths = {
        "{message}": f"/berichten/{message}", "{reply}": f"/berichten/{message}/beantwoorden",
        "{answer}": f"/vragenlijsten/{questionnaire}/invullen", "{detail}": f"/vragenlijsten/{questionnaire}",
        "{assign}": f"/vragenlijsten/{questionnaire}/toewijzen",
        "{question}": f"/vragenlijsten/{questionnaire}/vragen/{question}/bewerken",
        "{responses}": f"/vragenlijsten/{questionnaire}/antwoorden",
        "{response}": f"/vragenlijsten/{questionnaire}/antwoorden/{response}",
    }
    login_as(email)
    problems = {}
    for path in ACCESSIBILITY_PAGES[email]:
        url = paths.get(path, path)
        answer = page.goto(f"{base_url}{url}")
        assert answer.ok, f"{url} answered {answer.status}"
        found = _serious(Axe().run(page, options=AXE_OPTIONS))
        if found:
            problems[url] = found
    assert problems == {}
