"""Conventions every page keeps (product.md section 7), checked on every page an admin reaches:
one look for 'Annuleren', one spelling of 'Deelnemergroep', the crebo code beside every
programme choice, and the only organisation chosen already in every new form."""

from __future__ import annotations

import re

import pytest

from tests.helpers import login
from tests.integration.test_every_route import _get_urls

CONTRACT_LABELS = ("Toevoegen aan deelnemersgroep", "Verwijderen uit deelnemersgroep")


@pytest.fixture
def pages(demo):
    """Every GET page of the demo as the admin sees it (with the ids of the demo's records)."""
    client = demo.test_client()
    assert login(client, "admin@demo.nl").status_code == 302
    urls = set(_get_urls(demo))
    # Pages behind the first records of each kind, so that edit forms are among them.
    listing = client.get("/opleidingen").get_data(as_text=True)
    urls.update(re.findall(r'href="(/opleidingen/\d+(?:/bewerken)?)"', listing))
    for programme in re.findall(r'href="(/opleidingen/\d+)"', listing):
        page = client.get(programme).get_data(as_text=True)
        urls.update(re.findall(r'href="(/(?:examens|opleidingen)/\d+(?:/[a-z]+)*(?:/\d+/bewerken|/nieuw|/bewerken)?)"', page))
    for exam in [u for u in list(urls) if re.fullmatch(r"/examens/\d+", u)]:
        page = client.get(exam).get_data(as_text=True)
        urls.update(re.findall(r'href="(/examens/\d+/[a-z]+/(?:\d+/bewerken|nieuw))', page))
    users = client.get("/beheer/gebruikers").get_data(as_text=True)
    urls.update(u.split("?")[0] for u in re.findall(r'href="(/beheer/gebruikers/\d+/bewerken[^"]*)"', users))
    students = client.get("/portfolios").get_data(as_text=True)
    urls.update(re.findall(r'href="(/portfolios/\d+(?:/bewerken)?)"', students))
    found = {}
    for url in sorted(urls):
        if url.startswith("/logout"):
            continue
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            found[url] = response.get_data(as_text=True)
    assert any(u.endswith("/bewerken") for u in found), "no edit forms reached"
    return found


def test_annuleren_looks_the_same_everywhere(pages):
    looks = {}
    for url, html in pages.items():
        for attributes in re.findall(r"<a ([^>]*)>\s*Annuleren\s*</a>", html):
            looks.setdefault(re.search(r'class="([^"]*)"', attributes).group(1), []).append(url)
    assert list(looks) == ["btn btn-outline-secondary"], looks


def test_deelnemergroep_has_one_spelling_outside_the_contract_labels(pages):
    for url, html in pages.items():
        text = html
        for label in CONTRACT_LABELS:
            text = text.replace(label, "")
        assert not re.search(r"deelnemersgroep", text, re.IGNORECASE), url


def test_every_programme_choice_names_its_crebo_code(pages):
    checked = 0
    for url, html in pages.items():
        for select in re.findall(r'<select[^>]*name="(?:programme|programme_id)"[^>]*>(.*?)</select>', html, re.S):
            for value, text in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select):
                if value:
                    checked += 1
                    assert re.search(r"\(\d{5}\)$", text.strip()), (url, text)
    assert checked


@pytest.mark.parametrize("url", ["/portfolios/nieuw", "/portfolios/deelnemergroepen/nieuw", "/beheer/gebruikers/nieuw"])
def test_the_only_organisation_is_chosen_already(pages, url):
    select = re.search(r'<select[^>]*name="organisation_id"[^>]*>(.*?)</select>', pages[url], re.S).group(1)
    assert re.search(r'<option selected value="\d+">Demo ROC</option>', select), url
