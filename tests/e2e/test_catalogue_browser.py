"""Catalogue golden path in Chromium: the admin creates a programme and uploads an exam file."""

from __future__ import annotations

import random

from playwright.sync_api import expect

from mijnportfolio.adapters.exam_definition import EXAMPLE_YAML


def test_the_admin_creates_a_programme_and_uploads_an_exam_definition(login_as, page, base_url, screenshot, tmp_path):
    crebo = str(random.randint(30000, 39999))  # not one of the demo's
    login_as("admin@demo.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Opleidingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opleidingen")
    page.get_by_role("link", name="Opleiding toevoegen").click()

    # A bad crebo first: a Dutch message by the field, and nothing stored.
    page.get_by_label("Naam").fill("Verzorgende-IG (BBL)")
    page.get_by_label("Crebocode").fill("2549")
    page.get_by_label("Niveau", exact=True).select_option("3")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Een crebocode bestaat uit precies 5 cijfers.")).to_be_visible()
    screenshot("catalogue-programme-bad-crebo")
    page.get_by_label("Crebocode").fill(crebo)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De opleiding is toegevoegd.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verzorgende-IG (BBL)")

    # A file with a score-6 descriptor and a missing part is refused with both reasons.
    page.get_by_role("link", name="Examen uploaden").click()
    bad = tmp_path / "fout.yaml"
    bad.write_text(EXAMPLE_YAML.replace("          5: Brengt", "          6: Brengt").replace("  - number: 2", "  - number: 3"))
    page.get_by_label("Examenbestand (JSON of YAML)").set_input_files(str(bad))
    page.get_by_role("button", name="Examen uploaden").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Het examenbestand is niet opgeslagen.")
    expect(alert).to_contain_text("Onderdeel 1, criterium 1: een beschrijving voor score 6 is niet toegestaan (alleen 1 t/m 5).")
    expect(alert).to_contain_text("Onderdeel 2 ontbreekt: de onderdelen moeten doorlopend genummerd zijn van 1 t/m 2.")
    screenshot("catalogue-upload-errors")

    # The good file (the example offered on the page) is taken as a whole.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Voorbeeldbestand downloaden (YAML)").click()
    example = tmp_path / "voorbeeld.yaml"
    download_info.value.save_as(str(example))
    page.get_by_label("Examenbestand (JSON of YAML)").set_input_files(str(example))
    page.get_by_role("button", name="Examen uploaden").click()
    expect(page.get_by_role("status")).to_contain_text("Examen LM is toegevoegd: 2 onderdelen, 3 criteria.")
    expect(page.locator("[data-part]")).to_have_count(2)
    expect(page.locator("[data-pass-mark]")).to_have_text("5,5")
    expect(page.get_by_text("Brengt alle aspecten volledig en onderbouwd in kaart.")).to_be_visible()
    screenshot("catalogue-exam")

    # Structure editor: move the second criterion of part 1 up.
    part = page.locator('[data-part="1"]')
    second = part.locator("[data-criterion]").nth(1)
    text = second.locator("td").first.inner_text()
    second.get_by_role("button", name="Omhoog").click()
    expect(page.locator('[data-part="1"] [data-criterion]').first).to_contain_text(text.splitlines()[0])

    # The programme page lists the exam; the list finds the programme by its crebo.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Verzorgende-IG (BBL)").click()
    expect(page.locator('[data-exam="LM"]')).to_be_visible()
    screenshot("catalogue-programme")
    page.goto(f"{base_url}/opleidingen")
    page.get_by_label("Zoeken").fill(crebo)
    page.get_by_label("Zoeken").press("Enter")
    expect(page.locator(f'[data-programme="{crebo}"]')).to_be_visible()
    row = page.locator(f'[data-programme="{crebo}"]')
    for label in ("Bekijken", "Bewerken", "Verwijderen"):
        expect(row.get_by_label(label)).to_be_visible()
    screenshot("catalogue-programmes")


def test_the_catalogue_pages_pass_the_accessibility_check(login_as, page, base_url, screenshot):
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}

    def serious() -> list[str]:
        results = Axe().run(page, options=options)
        return [
            f"{v['id']}: {v['help']} at {[n.get('target') for n in v.get('nodes', [])][:3]}"
            for v in results.response.get("violations", [])
            if v.get("impact") in ("serious", "critical")
        ]

    login_as("admin@demo.nl")
    problems: dict[str, list[str]] = {}
    page.goto(f"{base_url}/opleidingen")
    page.locator('[data-programme="25491"]').get_by_label("Bekijken").click()
    problems["programme"] = serious()
    page.locator('[data-exam="LM"]').get_by_label("Bekijken").click()
    exam_url = page.url
    problems["exam"] = serious()
    page.get_by_role("link", name="Gegevens bewerken").click()
    problems["exam form"] = serious()
    screenshot("catalogue-exam-form")
    page.goto(exam_url)
    page.locator("[data-criterion]").first.get_by_label("Bewerken").click()
    problems["criterion form"] = serious()
    screenshot("catalogue-criterion-form")
    page.goto(exam_url)
    page.get_by_role("link", name="Examen uploaden").click()
    problems["upload"] = serious()
    page.goto(f"{base_url}/opleidingen/nieuw")
    problems["programme form"] = serious()
    assert {k: v for k, v in problems.items() if v} == {}
