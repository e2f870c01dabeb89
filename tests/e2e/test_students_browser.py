"""Manual 1.3 and 1.4 as a new user would do them in the browser: enter students, make a group,
add three students to it with 'Voer uit', remove one again; then what other roles see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.organisations import Role, User

RUN = "E2E"


@pytest.fixture(scope="module")
def staff(live_app):
    """What the scenario needs besides the demo data, created only when the seed lacks it: the
    programme and a second supervisor whose students begeleider@demo.nl may not see."""
    c = live_app.extensions["container"]
    with c.uow() as uow:
        org = uow.organisations.get_by_name("Demo ROC")
        if uow.programmes.get_by_crebo("25491") is None:
            uow.programmes.add(Programme(name="Verzorgende-IG", crebo="25491", level=3))
        if uow.users.get_by_email("begeleider2@demo.nl") is None:
            uow.users.add(User(email="begeleider2@demo.nl", role=Role.SUPERVISOR, first_name="Britt",
                               infix="van", last_name="Dam", organisation_id=org.id,
                               password_hash=c.hasher().hash("demo1234")))
        uow.commit()
    return live_app


def _choose(page, label: str, text: str) -> None:
    """Pick the option of a labelled select whose text contains ``text``."""
    select = page.get_by_label(label, exact=True)
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def _enter_student(page, base_url, number, first, last, supervisor="Bas de Begeleider", infix=""):
    page.goto(f"{base_url}/portfolios")
    page.get_by_role("link", name="Nieuwe student invoeren").click()
    page.get_by_label("Studentnummer", exact=True).fill(number)
    page.get_by_label("Voornaam", exact=True).fill(first)
    page.get_by_label("Tussenvoegsel", exact=True).fill(infix)
    page.get_by_label("Achternaam", exact=True).fill(last)
    page.get_by_label("E-mailadres", exact=True).fill(f"{number.lower()}@student.demo.nl")
    _choose(page, "Organisatie", "Demo ROC")
    _choose(page, "Opleiding", "Verzorgende-IG")
    _choose(page, "Praktijkbegeleider", supervisor)
    page.get_by_label("Cohort", exact=True).fill("2027")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Student {number} is opgeslagen")


def _student_id(page) -> str:
    return re.search(r"/portfolios/(\d+)", page.url).group(1)


def test_admin_enters_students_makes_a_group_and_adds_and_removes_members(staff, login_as, page, base_url, screenshot):
    login_as("admin@demo.nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn Portfolio")

    # 'Nieuwe student invoeren', three times for the supervisor and once for another one.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Portfolio's").click()
    page.get_by_role("link", name="Nieuwe student invoeren").click()
    screenshot("students-new-form")
    for i, (first, infix, last) in enumerate([("Fleur", "van der", "Berg"), ("Piet", "", "Jansen"), ("Zoë", "", "Aalders")], 1):
        _enter_student(page, base_url, f"{RUN}00{i}", first, last, infix=infix)
    screenshot("students-portfolio-page")
    _enter_student(page, base_url, f"{RUN}009", "Niet", "Gekoppeld", supervisor="Britt van Dam")

    # Bad input: the duplicate number is explained by its field, nothing is stored.
    page.goto(f"{base_url}/portfolios/nieuw")
    page.get_by_label("Studentnummer", exact=True).fill(f"{RUN}001")
    page.get_by_label("Achternaam", exact=True).fill("Dubbel")
    page.get_by_label("E-mailadres", exact=True).fill("dubbel@student.demo.nl")
    _choose(page, "Organisatie", "Demo ROC")  # other tests may have added organisations
    _choose(page, "Opleiding", "Verzorgende-IG")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text(f"Studentnummer {RUN}001 bestaat al binnen deze organisatie.")).to_be_visible()
    expect(page.get_by_text("Kies een praktijkbegeleider: een student moet altijd")).to_be_visible()
    screenshot("students-form-errors")

    # A group with a category, through "Portfolio's" → 'Deelnemergroepen'.
    page.goto(f"{base_url}/portfolios")
    page.get_by_role("link", name="Deelnemergroepen").click()
    page.get_by_role("link", name="Deelnemergroep toevoegen").click()
    _choose(page, "Organisatie", "Demo ROC")  # other tests may have added organisations
    page.get_by_label("Naam", exact=True).fill("E2E Klas 1A")
    page.get_by_label("Categorie", exact=True).fill("Klas")
    page.get_by_label("Omschrijving", exact=True).fill("Eerstejaars, start september")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator('tr[data-group="E2E Klas 1A"]')).to_be_visible()
    screenshot("groups-list")

    # Select three students in "Portfolio's" and add them with 'Voer uit'.
    page.goto(f"{base_url}/portfolios")
    page.get_by_label("Zoeken").fill(RUN + "00")
    page.get_by_role("button", name="Filteren").click()
    rows = page.locator("tr[data-student]")
    expect(rows).to_have_count(4)
    for number in ("E2E001", "E2E002", "E2E003"):
        page.locator(f'tr[data-student="{number}"] input[type=checkbox]').check()
    page.get_by_label("Kies een actie").select_option(label="Toevoegen aan deelnemersgroep")
    _choose(page, "Deelnemergroep voor de actie", "E2E Klas 1A")  # "(Demo ROC)" follows when there are several organisations
    screenshot("portfolios-bulk-selected")
    page.get_by_role("button", name="Voer uit").click()
    expect(page.get_by_text("Weet je zeker dat je 3 studenten wilt toevoegen aan groep E2E Klas 1A?")).to_be_visible()
    screenshot("portfolios-bulk-confirm")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status").first).to_contain_text("3 studenten toegevoegd aan deelnemergroep E2E Klas 1A.")
    for number in ("E2E001", "E2E002", "E2E003"):
        expect(page.locator(f'tr[data-student="{number}"]')).to_contain_text("E2E Klas 1A")
    # Sorted on last name, ignoring the infix: Aalders, (van der) Berg, Gekoppeld, Jansen.
    assert [rows.nth(i).get_attribute("data-student") for i in range(4)] == ["E2E003", "E2E001", "E2E009", "E2E002"]
    screenshot("portfolios-after-add")

    # And remove one again.
    page.locator('tr[data-student="E2E002"] input[type=checkbox]').check()
    page.get_by_label("Kies een actie").select_option(label="Verwijderen uit deelnemersgroep")
    _choose(page, "Deelnemergroep voor de actie", "E2E Klas 1A")  # "(Demo ROC)" follows when there are several organisations
    page.get_by_role("button", name="Voer uit").click()
    expect(page.get_by_text("Weet je zeker dat je 1 student wilt verwijderen uit groep E2E Klas 1A?")).to_be_visible()
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status").first).to_contain_text("1 student verwijderd uit deelnemergroep E2E Klas 1A.")
    expect(page.locator('tr[data-student="E2E002"]')).not_to_contain_text("E2E Klas 1A")
    expect(page.locator('tr[data-student="E2E001"]')).to_contain_text("E2E Klas 1A")

    # The filter on the group shows its two members.
    page.goto(f"{base_url}/portfolios")
    _choose(page, "Deelnemergroep", "E2E Klas 1A")
    page.get_by_role("button", name="Filteren").click()
    expect(rows).to_have_count(2)
    screenshot("portfolios-filtered-on-group")


def test_the_supervisor_sees_only_linked_students_and_a_trainer_gets_404(staff, login_as, page, base_url, screenshot):
    # Depends on the students the first test entered (same live app); enter them when run alone.
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/portfolios?q={RUN}009")
    if page.locator('tr[data-student="E2E009"]').count() == 0:
        _enter_student(page, base_url, f"{RUN}009", "Niet", "Gekoppeld", supervisor="Britt van Dam")
        page.goto(f"{base_url}/portfolios?q={RUN}009")
    page.locator('tr[data-student="E2E009"]').get_by_role("link", name="Bekijken").click()
    foreign_id = _student_id(page)

    login_as("begeleider@demo.nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn Portfolio")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Portfolio's").click()
    expect(page.locator('tr[data-student="E2E009"]')).to_have_count(0)
    numbers = page.locator("tr[data-student]")
    expect(numbers.first).to_be_visible()
    screenshot("portfolios-supervisor")
    page.goto(f"{base_url}/portfolios/{foreign_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")

    login_as("opleider@demo.nl")
    response = page.goto(f"{base_url}/portfolios/{foreign_id}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet gevonden")
    screenshot("portfolio-404-trainer")
