"""Manual 3 and 3.1 in the browser: Demostudent 1 logs in and finds their own portfolio, with LM
passed and a grade per core task, and nothing of anyone else; the supervisor uses 'Log in als
deze student' on the student's row in "Portfolio's", sees the banner and the student's
Instrumenten, can change and send nothing (not even by a crafted request), and stops."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.test_accessibility import AXE_OPTIONS, _serious


def _png(width: int, height: int) -> bytes:
    """A real (teal) PNG image, built by hand so that the browser can show it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x20\xa0\x90" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = _png(16, 16)
OTHER_STUDENTS = ("Demostudent 2", "Demostudent 3", "100002", "100003", "Anderestudent", "200001")


@pytest.fixture(scope="module")
def student_ids(live_app) -> dict[str, int]:
    c = live_app.extensions["container"]
    with c.uow() as uow:
        org = uow.organisations.get_by_name("Demo ROC")
        return {number: uow.students.get_by_number(org.id, number).id for number in ("100001", "100002")}


def _no_other_student_on(page) -> None:
    body = page.locator("body").inner_text()
    for name in OTHER_STUDENTS:
        assert name not in body, f"{name} on {page.url}"


def test_demostudent_1_sees_their_own_portfolio_with_lm_passed_and_nothing_of_anyone_else(
    login_as, page, base_url, screenshot, student_ids
):
    login_as("student1@demo.nl")
    assert page.url.endswith("/mijn-portfolio/student")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn Portfolio")
    tabs = page.get_by_role("navigation", name="Tabbladen van het portfolio")
    expect(tabs.get_by_role("link")).to_have_text(["Overzicht", "Student", "Instrumenten", "Mijn berichten"])
    expect(tabs.get_by_role("link", name="Overzicht")).to_have_attribute("aria-current", "page")
    expect(page.locator('[data-field="student_number"]')).to_have_text("100001")
    _no_other_student_on(page)
    screenshot("portal-overzicht")

    tabs.get_by_role("link", name="Instrumenten").click()
    assert "tab=instrumenten" in page.url
    lm = page.locator('article.instrument[data-exam="LM"]')
    expect(lm).to_have_attribute("data-status", "passed")
    expect(lm.locator(".status-badge")).to_have_text("Behaald, poging 1")
    grades = lm.locator("tr[data-core-task]")
    assert grades.count() >= 1
    for row in grades.all():
        assert re.fullmatch(r"\d{1,2}(,\d)?", row.locator("td").nth(1).inner_text().strip()), row.inner_text()
        expect(row.locator("td").nth(2)).to_have_text("Behaald")
    expect(lm.locator("[data-outcome]")).to_contain_text("Behaald: elke kerntaak voldoet")
    expect(lm.locator("tr[data-part]")).to_have_count(2)
    _no_other_student_on(page)
    screenshot("portal-instrumenten")

    tabs.get_by_role("link", name="Mijn berichten").click()
    _no_other_student_on(page)
    tabs.get_by_role("link", name="Student").click()
    _no_other_student_on(page)

    # Another student's pages and photo do not exist for this student.
    for url in (f"/portfolios/{student_ids['100002']}", f"/portfolios/{student_ids['100002']}/foto"):
        response = page.goto(f"{base_url}{url}")
        assert response.status == 404, url
        expect(page.locator("body")).to_contain_text("bestaat niet of je hebt er geen toegang toe")
    screenshot("portal-andere-student-404")


def test_a_student_keeps_a_profile_and_a_wrong_photo_loses_nothing(login_as, page, base_url, screenshot):
    login_as("student1@demo.nl")
    page.goto(f"{base_url}/mijn-portfolio/student?tab=student")
    page.get_by_label("Telefoonnummer").fill("06-12345678")
    page.get_by_label("Straat en huisnummer").fill("Dorpsstraat 12a")
    page.get_by_label("Postcode").fill("1234ab")
    page.get_by_label("Plaats").fill("Utrecht")
    page.get_by_label("Introductie").fill("Ik werk met veel plezier bij Zorgcentrum De Linde.")

    # Too large: refused with a clear message, everything typed still there.
    page.get_by_label("Nieuwe foto").set_input_files(
        files=[{"name": "groot.png", "mimeType": "image/png", "buffer": PNG + b"\x00" * (2 * 1024 * 1024)}]
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("De foto is te groot: een foto mag hoogstens 2 MB zijn.")
    expect(page.get_by_label("Introductie")).to_have_value("Ik werk met veel plezier bij Zorgcentrum De Linde.")
    expect(page.get_by_label("Postcode")).to_have_value("1234ab")
    screenshot("portal-foto-te-groot")

    # Not an image, whatever its name says.
    page.get_by_label("Nieuwe foto").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.7 this is a document"}]
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Dit bestand is geen foto")
    expect(page.get_by_label("Plaats")).to_have_value("Utrecht")

    page.get_by_label("Nieuwe foto").set_input_files(files=[{"name": "ik.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text("Je profiel is opgeslagen.")
    expect(page.get_by_label("Postcode")).to_have_value("1234 AB")
    photo = page.get_by_role("img", name="Foto van Demostudent 1")
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) == 16
    screenshot("portal-student")


def test_the_supervisor_looks_along_read_only_and_stops(login_as, page, base_url, screenshot, student_ids):
    login_as("begeleider@demo.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Portfolio's").click()
    row = page.locator('tr[data-student="100001"]')
    row.get_by_role("link", name="Log in als deze student").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in als deze student")
    screenshot("meekijken-bevestigen")
    page.get_by_role("button", name="Log in als deze student").click()

    banner = page.get_by_role("region", name="Meekijken")
    expect(banner).to_contain_text("Je kijkt mee met Demostudent 1")
    expect(banner.get_by_role("button", name="Stoppen met meekijken")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Tabbladen van het portfolio")
    expect(tabs.get_by_role("link")).to_have_text(["Overzicht", "Student", "Instrumenten"])
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Mijn berichten")).to_have_count(0)
    expect(menu.get_by_role("link", name="Portfolio's")).to_have_count(0)

    tabs.get_by_role("link", name="Instrumenten").click()
    expect(page.locator('article.instrument[data-exam="LM"]')).to_have_attribute("data-status", "passed")
    expect(banner).to_contain_text("Je kijkt mee met Demostudent 1")
    screenshot("meekijken-instrumenten")

    tabs.get_by_role("link", name="Student").click()
    expect(page.locator('[data-read-only="yes"]')).to_be_visible()
    expect(page.locator(".portal-tab").get_by_role("textbox")).to_have_count(0)
    expect(page.locator(".portal-tab").get_by_role("button")).to_have_count(0)
    screenshot("meekijken-student")

    # Crafted requests with a valid token are refused on the server, in Dutch, and change nothing.
    for url, fields in (
        ("/mijn-portfolio/student/profiel", {"introduction": "Namens de student", "version": "1"}),
        ("/berichten/nieuw", {"body": "Bericht namens de student", "recipients": "1"}),
        ("/berichten", {"body": "Bericht namens de student"}),
    ):
        status, text = page.evaluate(
            """async ([url, fields]) => {
                 const body = new FormData();
                 body.append('csrf_token', document.querySelector('input[name=csrf_token]').value);
                 for (const [k, v] of Object.entries(fields)) body.append(k, v);
                 const r = await fetch(url, {method: 'POST', body});
                 return [r.status, await r.text()];
               }""",
            [url, fields],
        )
        assert status == 403, (url, status)
        assert "tijdens het meekijken kun je niets wijzigen of versturen" in text
    expect(page.locator('[data-field="introduction"]')).not_to_contain_text("Namens de student")

    # Even reaching the messages by URL shows no messages form for the student.
    page.goto(f"{base_url}/mijn-portfolio/student?tab=berichten")
    expect(page.locator("[data-tab-panel]")).to_have_attribute("data-tab-panel", "overzicht")

    banner.get_by_role("button", name="Stoppen met meekijken").click()
    expect(page.get_by_role("status").first).to_contain_text("Je kijkt niet meer mee met Demostudent 1.")
    expect(page.get_by_role("region", name="Meekijken")).to_have_count(0)
    assert page.url.endswith(f"/portfolios/{student_ids['100001']}")
    screenshot("meekijken-gestopt")


def test_admins_see_the_sessions_of_looking_along(login_as, page, base_url, screenshot):
    login_as("opleider@demo.nl")
    page.goto(f"{base_url}/portfolios")
    page.locator('tr[data-student="100001"]').get_by_role("link", name="Log in als deze student").click()
    page.get_by_role("button", name="Log in als deze student").click()
    page.get_by_role("button", name="Stoppen met meekijken").click()
    login_as("admin@demo.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Meekijksessies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meekijksessies")
    first = page.locator("tr[data-session]").first
    expect(first).to_contain_text("Olga Opleider")
    expect(first).to_contain_text("Demostudent 1")
    expect(first).to_contain_text("Gestopt")
    screenshot("meekijksessies")


def test_mijn_account_changes_contact_details_and_refuses_a_wrong_current_password(login_as, page, base_url, screenshot):
    login_as("examinator2@demo.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn account").click()
    page.get_by_label("Telefoonnummer").fill("030-1234567")
    page.get_by_role("button", name="Gegevens opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text("Je gegevens zijn opgeslagen.")
    expect(page.get_by_label("Telefoonnummer")).to_have_value("030-1234567")
    page.get_by_label("Huidig wachtwoord").fill("niet-mijn-wachtwoord")
    page.get_by_label("Nieuw wachtwoord").fill("nieuw-geheim-1")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("nieuw-geheim-1")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Je huidige wachtwoord klopt niet.")
    screenshot("mijn-account")


PAGES = {
    "student1@demo.nl": [
        "/mijn-portfolio/student", "/mijn-portfolio/student?tab=student", "/mijn-portfolio/student?tab=instrumenten",
        "/mijn-portfolio/student?tab=berichten", "/account",
    ],
    "admin@demo.nl": ["/beheer/meekijken", "/account"],
}


@pytest.mark.parametrize("email", list(PAGES))
def test_the_portal_pages_have_no_serious_accessibility_violations(login_as, page, base_url, email):
    login_as(email)
    problems = {}
    for path in PAGES[email]:
        response = page.goto(f"{base_url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        found = _serious(Axe().run(page, options=AXE_OPTIONS))
        if found:
            problems[path] = found
    assert problems == {}


def test_looking_along_pages_have_no_serious_accessibility_violations(login_as, page, base_url, student_ids):
    login_as("begeleider@demo.nl")
    page.goto(f"{base_url}/meekijken/{student_ids['100001']}")
    problems = {}
    found = _serious(Axe().run(page, options=AXE_OPTIONS))
    if found:
        problems["bevestigen"] = found
    page.get_by_role("button", name="Log in als deze student").click()
    for tab in ("overzicht", "student", "instrumenten"):
        page.goto(f"{base_url}/mijn-portfolio/student?tab={tab}")
        found = _serious(Axe().run(page, options=AXE_OPTIONS))
        if found:
            problems[tab] = found
    page.get_by_role("button", name="Stoppen met meekijken").click()
    assert problems == {}
