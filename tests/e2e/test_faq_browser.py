"""FAQ golden path in Chromium: an admin adds a question, a supervisor finds and reads it."""

import re

from playwright.sync_api import expect


def test_an_admin_adds_a_question_and_a_supervisor_searches_and_reads_it(login_as, page, base_url, screenshot):
    question = "Hoe voeg ik een bijlage toe aan een beoordeling?"
    answer_lines = ("Open de beoordeling met het potloodje.", "Kies onderaan 'Bestand toevoegen'.")

    login_as("admin@demo.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Veelgestelde vragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veelgestelde vragen")
    page.get_by_role("link", name="Vraag toevoegen").click()
    page.get_by_label("Vraag", exact=True).fill(question)
    page.get_by_label("Antwoord").fill("\n".join(answer_lines))
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De vraag is toegevoegd.")
    row = page.locator(".accordion-item", has_text=question)
    for label in ("Bewerken", "Verwijderen", "Omhoog"):
        expect(row.get_by_role(row_role(label), name=label)).to_be_visible()
    screenshot("faq-admin")

    login_as("begeleider@demo.nl")
    page.goto(f"{base_url}/faq")
    expect(page.get_by_role("link", name="Vraag toevoegen")).to_have_count(0)
    page.get_by_label("Zoeken").fill("bijlage beoordeling")
    page.get_by_label("Zoeken").press("Enter")
    expect(page.get_by_text("1 vraag gevonden")).to_be_visible()
    expect(page.get_by_role("button", name=question)).to_be_visible()
    expect(page.get_by_role("button", name="Bewerken")).to_have_count(0)
    # The answer is open after a search; closing and opening it again works with the mouse.
    answer = page.get_by_role("region", name=question)
    expect(answer).to_contain_text(answer_lines[0])
    page.get_by_role("button", name=question).click()
    expect(answer).to_be_hidden()
    page.get_by_role("button", name=question).click()
    expect(answer).to_have_class(re.compile(r"\bcollapse show\b"))  # the animation has ended
    expect(answer).to_contain_text(answer_lines[1])
    screenshot("faq-supervisor-search")


def row_role(label: str) -> str:
    return "link" if label == "Bewerken" else "button"
