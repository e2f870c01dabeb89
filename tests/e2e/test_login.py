"""Each demo role logs in through the real login form and lands on its own page."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    "email, heading",
    [
        ("admin@demo.nl", "Mijn Portfolio"),
        ("begeleider@demo.nl", "Mijn Portfolio"),
        ("examinator@demo.nl", "Examendashboard"),
        ("opleider@demo.nl", "Mijn Portfolio"),
        ("student1@demo.nl", "Mijn Portfolio"),
    ],
)
def test_each_demo_role_lands_on_its_page(login_as, page, email, heading, screenshot):
    login_as(email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitloggen")).to_be_visible()
    screenshot(f"landing-{email.split('@')[0]}")


def test_a_wrong_password_gets_a_dutch_message(login_as, page):
    login_as("admin@demo.nl", "helemaal-fout")
    expect(page.get_by_role("alert")).to_contain_text("Onjuist e-mailadres of wachtwoord")
