"""Pages pass an automated WCAG 2.1 AA check (axe) without serious or critical violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}

PAGES = {
    "admin@demo.nl": [
        "/mijn-portfolio", "/portfolios", "/portfolios/nieuw", "/portfolios/1", "/portfolios/deelnemergroepen",
        "/portfolios/deelnemergroepen/nieuw", "/opleidingen", "/opleidingen/1", "/beheer/organisaties",
        "/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/faq", "/importeren/",
    ],
    "begeleider@demo.nl": ["/mijn-portfolio", "/portfolios", "/portfolios/1"],
    "examinator@demo.nl": ["/examendashboard"],
    "student1@demo.nl": ["/mijn-portfolio/student", "/faq"],
}


def _serious(results) -> list[str]:
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in ("serious", "critical"):
            targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


def test_the_login_page_has_no_serious_accessibility_violations(page, base_url):
    page.goto(f"{base_url}/login")
    assert _serious(Axe().run(page, options=AXE_OPTIONS)) == []


@pytest.mark.parametrize("email", list(PAGES))
def test_the_main_pages_have_no_serious_accessibility_violations(login_as, page, base_url, email):
    login_as(email)
    problems = {}
    for path in PAGES[email]:
        response = page.goto(f"{base_url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        found = _serious(Axe().run(page, options=AXE_OPTIONS))
        if found:
            problems[path] = found
    assert problems == {}
