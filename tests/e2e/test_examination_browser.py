"""Manual 2.1-2.5 in the browser: the supervisor plans an exam and a retake from the
Examenoverzicht; examiners assess from the Examendashboard, two examiners included."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from playwright.sync_api import expect

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.domain.examination import local_time


@pytest.fixture
def clock(live_app):
    """A clock the test can move; the app's own clock comes back afterwards."""
    c = live_app.extensions["container"]
    moment = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    fixed = FixedClock(moment)
    c.clock.override(providers.Object(fixed))
    yield fixed
    c.clock.reset_override()


def cell(page, number: str):
    return page.locator(f'td[data-student="{number}"][data-exam="LM"]')


def open_overview(page, base_url):
    page.goto(f"{base_url}/examenoverzicht")
    page.get_by_role("link", name="Examenoverzicht", exact=True).click()
    select = page.get_by_label("Opleiding", exact=True)
    value = select.locator("option", has_text="Verzorgende-IG").first.get_attribute("value")
    select.select_option(value)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Legenda")).to_be_visible()


def choose(page, scope, label: str, text: str) -> None:
    select = scope.get_by_label(label, exact=True)
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def test_the_supervisor_plans_an_exam_and_a_retake_from_the_overview(login_as, page, base_url, clock, screenshot):
    page = login_as("begeleider@demo.nl")
    open_overview(page, base_url)
    expect(cell(page, "100003")).to_have_attribute("data-status", "not_planned")
    expect(cell(page, "100003")).to_have_attribute("data-attempt", "0")
    screenshot("examination-overview-before")
    cell(page, "100003").get_by_role("link", name="Inplannen").click()
    expect(page.get_by_role("heading", name=re.compile("Examen inplannen: LM"))).to_be_visible()
    expect(page.get_by_text("Instructie bij het inplannen")).to_be_visible()
    day = local_time.format_date(clock.now() + dt.timedelta(days=30))
    first = page.get_by_role("group", name=re.compile("^Onderdeel 1"))
    first.get_by_label("Examenonderdeel nu inplannen").check()
    first.get_by_label("Begindatum/begintijd").fill(f"{day} 09:00")
    first.get_by_label("Einddatum/eindtijd").fill(f"{day} 12:00")
    choose(page, first, "Beoordelaar", "Eva van Examinator")
    choose(page, first, "Beoordelaar 2", "Erik Tweede")
    second = page.get_by_role("group", name=re.compile("^Onderdeel 2"))
    second.get_by_label("Inplannen met informatie van hierboven").check()
    expect(second.get_by_label("Begindatum/begintijd")).to_have_value(f"{day} 09:00")
    expect(second.get_by_label("Examenonderdeel nu inplannen")).to_be_checked()
    screenshot("examination-planning-form")
    page.get_by_role("button", name="Inplannen").click()
    expect(page.get_by_role("status").first).to_contain_text("Het examen is ingepland")
    expect(cell(page, "100003")).to_have_attribute("data-status", "planned")
    expect(cell(page, "100003")).to_have_attribute("data-attempt", "1")
    screenshot("examination-overview-planned")

    clock.set(local_time.parse_moment(f"{day} 09:05", "nu"))
    page.reload()
    expect(cell(page, "100003")).to_have_attribute("data-status", "started")

    expect(cell(page, "100002")).to_have_attribute("data-status", "failed")
    cell(page, "100002").get_by_role("link", name="Herkansing inplannen").click()
    expect(page.get_by_role("heading", name=re.compile("Herkansing inplannen"))).to_be_visible()
    expect(page.locator("[data-attempt-number]")).to_have_text("2")
    retake_day = local_time.format_date(clock.now() + dt.timedelta(days=14))
    first = page.get_by_role("group", name=re.compile("^Onderdeel 1"))
    first.get_by_label("Examenonderdeel nu inplannen").check()
    first.get_by_label("Begindatum/begintijd").fill(f"{retake_day} 13:00")
    first.get_by_label("Einddatum/eindtijd").fill(f"{retake_day} 15:00")
    choose(page, first, "Beoordelaar", "Erik Tweede")
    page.get_by_role("button", name="Inplannen").click()
    expect(page.get_by_role("status").first).to_contain_text("De herkansing is ingepland")
    expect(cell(page, "100002")).to_have_attribute("data-attempt", "2")
    expect(cell(page, "100002")).to_have_attribute("data-status", "partially_planned")
    screenshot("examination-overview-retake")


def test_bad_dates_get_a_dutch_message_in_the_browser(login_as, page, base_url, clock):
    page = login_as("begeleider@demo.nl")
    open_overview(page, base_url)
    cell(page, "100004").get_by_role("link", name="Inplannen").click()
    second = page.get_by_role("group", name=re.compile("^Onderdeel 2"))
    second.get_by_label("Examenonderdeel nu inplannen").check()
    second.get_by_label("Begindatum/begintijd").fill("31-02-2027 09:00")
    second.get_by_label("Einddatum/eindtijd").fill("volgende week")
    choose(page, second, "Beoordelaar", "Eva van Examinator")
    page.get_by_role("button", name="Inplannen").click()
    expect(page.get_by_text(re.compile("bestaat niet"))).to_be_visible()
    expect(page.get_by_text(re.compile("is geen datum"))).to_be_visible()


def _score_part(page, scores: dict[int, str]) -> None:
    """Click the slider stop of every criterion (by its place on the page); the form saves by itself."""
    groups = page.get_by_role("radiogroup")
    count = groups.count()
    assert count > 0
    for index in range(count):
        groups.nth(index).get_by_text(scores.get(index, "4"), exact=True).click()


def _answer_slowly(route) -> None:
    """The server's answer to a draft save, a third of a second late."""
    response = route.fetch()
    time.sleep(0.3)
    route.fulfill(response=response)


def _outbox_for(live_app, email: str) -> list[str]:
    with live_app.extensions["container"].engine().connect() as conn:
        return list(conn.execute(sa.select(orm.outbox.c.subject).where(orm.outbox.c.recipients == email)).scalars())


def test_the_examiners_assess_from_the_dashboard_and_the_cell_follows_the_rule(login_as, page, base_url, clock, live_app, screenshot):
    # The second examiner of Demostudent 7's part 2 may score but not submit.
    page = login_as("examinator2@demo.nl")
    expect(page.get_by_role("heading", name="Openstaande acties")).to_be_visible()
    row = page.locator('section[aria-labelledby="open-actions"] tr[data-student="100007"][data-part="2"]')
    row.get_by_role("link", name="Beoordelen").click()
    # Answers that come slowly make the clicks overtake the saves: each save waits for the one
    # before it and carries the version that one returned, so none is refused as a conflict.
    page.route("**/beoordelingen/*/concept", _answer_slowly)
    _score_part(page, {0: "3"})
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    page.unroute("**/beoordelingen/*/concept")
    page.reload()
    groups = page.get_by_role("radiogroup")
    assert [groups.nth(i).locator("input:checked").get_attribute("value") for i in range(groups.count())] == (
        ["3"] + ["4"] * (groups.count() - 1)
    )
    page.get_by_role("button", name="Opslaan en definitief maken").click()
    expect(page.get_by_text(re.compile("Alleen de eerste examinator"))).to_be_visible()
    expect(page.get_by_role("button", name="Beoordeling insturen")).to_have_count(0)

    # The first examiner lands on the Examendashboard and assesses the same part.
    page = login_as("examinator@demo.nl")
    expect(page).to_have_url(re.compile("/examendashboard"))
    expect(page.get_by_role("heading", name="Examenplanning")).to_be_visible()
    screenshot("examination-dashboard")
    row = page.locator('section[aria-labelledby="open-actions"] tr[data-student="100007"][data-part="2"]')
    expect(row.get_by_role("link", name="Bekijken")).to_be_visible()
    expect(row.get_by_role("link", name="Downloaden")).to_be_visible()
    row.get_by_role("link", name="Beoordelen").click()
    criteria = page.locator("[data-criterion]")
    plain = next(i for i in range(criteria.count()) if criteria.nth(i).get_by_text("Knock-out").count() == 0)
    _score_part(page, {plain: "1"})
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    expect(page.locator(".other-score").first).to_contain_text("Erik Tweede")
    screenshot("examination-assess")
    page.get_by_role("button", name="Opslaan en definitief maken").click()
    expect(page.get_by_text(re.compile("bij score 1 is een onderbouwing verplicht"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Terug naar de beoordeling")).click()
    criteria.nth(plain).get_by_label(re.compile("^Onderbouwing")).fill("De student liet dit onderdeel niet zien.")
    page.get_by_role("button", name="Opslaan en definitief maken").click()
    expect(page.get_by_text(re.compile("nog niet compleet"))).to_have_count(0)
    screenshot("examination-review")
    page.get_by_label("Weet je zeker dat je deze beoordeling wilt insturen?").check()
    page.get_by_role("button", name="Beoordeling insturen").click()
    outcome = page.locator("[data-outcome]")
    expect(outcome).not_to_have_attribute("data-outcome", "open")
    expected = "passed" if outcome.get_attribute("data-outcome") == "passed" else "failed"
    screenshot("examination-result")
    assert any("resultaat beschikbaar" in s for s in _outbox_for(live_app, "student7@demo.nl"))

    page = login_as("begeleider@demo.nl")
    open_overview(page, base_url)
    expect(cell(page, "100007")).to_have_attribute("data-status", expected)
    expect(cell(page, "100007")).to_have_attribute("data-attempt", "2")


def test_with_the_option_either_examiner_submits_and_the_first_wins(login_as, page, base_url, clock):
    page = login_as("examinator2@demo.nl")
    row = page.locator('section[aria-labelledby="open-actions"] tr[data-student="100005"][data-part="1"]')
    row.get_by_role("link", name="Beoordelen").click()
    _score_part(page, {})
    expect(page.locator("[data-autosave-status]")).to_contain_text("Opgeslagen om")
    url = page.url
    page.get_by_role("button", name="Opslaan en definitief maken").click()
    page.get_by_label("Weet je zeker dat je deze beoordeling wilt insturen?").check()
    page.get_by_role("button", name="Beoordeling insturen").click()
    expect(page.get_by_role("status").first).to_contain_text("ingestuurd")

    page = login_as("examinator@demo.nl")
    page.goto(url)
    expect(page.get_by_text(re.compile("definitief beoordeeld door Erik Tweede"))).to_be_visible()
    page.goto(url.rstrip("/") + "/controle")
    expect(page.get_by_role("button", name="Beoordeling insturen")).to_have_count(0)
