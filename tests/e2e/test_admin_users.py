"""The demo admin sets up an organisation and a staff member through the screens; that
person then logs in and lands on their own page."""

from __future__ import annotations

from playwright.sync_api import expect


def test_admin_creates_an_organisation_and_a_user_who_then_logs_in(login_as, page, base_url, screenshot):
    login_as("admin@demo.nl")
    nav = page.get_by_role("navigation", name="Hoofdmenu")

    # Organisation with the planning setting.
    nav.get_by_role("link", name="Organisaties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisaties")
    screenshot("a-admin-organisations")
    page.get_by_role("link", name="Organisatie toevoegen").click()
    page.get_by_label("Naam").fill("ROC Horizon")
    page.get_by_label("Examinatoren mogen examens inplannen").check()
    screenshot("a-admin-organisation-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Organisatie 'ROC Horizon' is toegevoegd.")
    row = page.locator("tr", has_text="ROC Horizon")
    expect(row).to_contain_text("Ja")
    expect(row.get_by_role("link", name="Bewerken")).to_have_attribute("title", "Bewerken")

    # A staff user with a password.
    nav.get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikers")
    page.get_by_role("link", name="Gebruiker toevoegen").click()
    page.get_by_label("E-mailadres").fill("hanna@horizon.nl")
    page.get_by_label("Voornaam").fill("Hanna")
    page.get_by_label("Tussenvoegsel").fill("de")
    page.get_by_label("Achternaam").fill("Horst")
    page.get_by_label("Rol").select_option(label="Praktijkbegeleider")
    page.get_by_label("Organisatie", exact=True).select_option(label="ROC Horizon")
    page.get_by_label("Wachtwoord").fill("horizon-2026")
    screenshot("a-admin-user-form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Gebruiker hanna@horizon.nl is toegevoegd en kan nu inloggen.")

    # The list finds her by search and by filter; the filters stay in the form.
    page.get_by_label("Zoeken").fill("horst")
    page.get_by_role("button", name="Filteren").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Hanna de Horst")
    expect(rows.first).to_contain_text("ROC Horizon")
    expect(page.get_by_label("Zoeken")).to_have_value("horst")
    for action in ("Bewerken", "Wachtwoord resetten", "Deactiveren"):
        expect(rows.first.get_by_role("button", name=action).or_(rows.first.get_by_role("link", name=action))).to_have_attribute(
            "title", action
        )
    page.goto(f"{base_url}/beheer/gebruikers")
    screenshot("a-admin-users")

    # Log out; the new user logs in and lands on 'Mijn Portfolio'.
    nav.get_by_role("link", name="Uitloggen").click()
    expect(page.get_by_role("status")).to_contain_text("Je bent uitgelogd.")
    login_as("hanna@horizon.nl", "horizon-2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mijn Portfolio")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Hanna de Horst")
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers")).to_have_count(0)
    screenshot("a-admin-new-user-landing")


def test_the_login_page_switches_to_english(page, base_url, screenshot):
    page.goto(f"{base_url}/logout")
    page.goto(f"{base_url}/login?lang=en")
    expect(page.get_by_label("Email address")).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    screenshot("a-login-english")
    page.goto(f"{base_url}/login?lang=nl")
    expect(page.get_by_label("E-mailadres")).to_be_visible()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
