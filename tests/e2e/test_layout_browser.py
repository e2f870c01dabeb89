"""Layout in Chromium, measured: long names stay inside the screen, filter bars stay aligned
when a type-to-filter box appears, the bulk button looks like a button and every label of the
portfolio page stands beside its own value."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mijnportfolio.application.organisations import StaffData, create_staff_user
from mijnportfolio.application.students import StudentData, create_student
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.students import ParticipantGroup

LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewaren" + "x" * 8
assert len(LONG_NAME) == 100
EXTRA_CHOICES = 7  # enough for the type-to-filter box beside the filter bar's selects


@pytest.fixture(scope="module")
def layout_data(live_app):
    """A staff member and a student with a 100-character unbroken name, a student without the
    optional values, and enough programmes and groups for the type-to-filter boxes."""
    c = live_app.extensions["container"]
    with c.uow() as uow:
        org = uow.organisations.get_by_name("Demo ROC")
        admin = uow.users.get_by_email("admin@demo.nl")
        supervisor = uow.users.get_by_email("begeleider@demo.nl")
        programme = next(p for p in uow.programmes.list() if p.crebo == "25491")
        ids = {"org": org.id, "admin": admin.id, "supervisor": supervisor.id, "programme": programme.id}
        for i in range(EXTRA_CHOICES):
            if uow.programmes.get_by_crebo(f"9900{i}") is None:
                uow.programmes.add(Programme(name=f"Indelingstest {i}", crebo=f"9900{i}", level=2))
            if uow.groups.get_by_name(org.id, f"Indelingsgroep {i}") is None:
                uow.groups.add(ParticipantGroup(organisation_id=org.id, name=f"Indelingsgroep {i}"))
        long_user = uow.users.get_by_email("lang@demo.nl")
        uow.commit()
    actor = Actor(user_id=ids["admin"], role=Role.ADMIN)
    if long_user is None:
        create_staff_user(
            c.uow(), actor, c.clock(), c.hasher(),
            StaffData("lang@demo.nl", "examiner", None, None, LONG_NAME, ids["org"]), password="demo1234",
        )
        for number, last, phone, cohort in (("LAY001", LONG_NAME, "0612345678", "2027"), ("LAY002", "Leeg", None, None)):
            create_student(
                c.uow(), actor, c.clock(),
                StudentData(
                    organisation_id=ids["org"], student_number=number, first_name=None, infix=None, last_name=last,
                    email=f"{number.lower()}@student.demo.nl", programme_id=ids["programme"],
                    supervisor_id=ids["supervisor"], phone=phone, cohort=cohort,
                ),
            )
    return ids


def _inside_viewport(page: Page, locator) -> None:
    width = page.viewport_size["width"]
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (box, width)


def _no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].every(e => e.scrollWidth <= e.clientWidth)"
    )


def test_a_100_character_name_keeps_e_mail_role_and_icons_of_the_users_table_on_screen(layout_data, login_as, page,
                                                                                      base_url, screenshot):
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/beheer/gebruikers?q=lang%40demo")
    row = page.locator('tr[data-user="lang@demo.nl"]')
    expect(row).to_be_visible()
    screenshot("layout-users-long-name")
    cells = row.locator("td")
    for index in range(cells.count()):
        _inside_viewport(page, cells.nth(index))
    for action in ("Bewerken", "Wachtwoord resetten", "Deactiveren"):
        _inside_viewport(page, row.get_by_role("button", name=action).or_(row.get_by_role("link", name=action)))
    expect(row.get_by_title(LONG_NAME)).to_be_visible()  # cut off, the full name in its title
    _no_horizontal_scroll(page)
    # The whole list, too: every row's icons on screen.
    page.goto(f"{base_url}/beheer/gebruikers")
    screenshot("layout-users-list")
    for index in range(page.locator("tbody tr").count()):
        _inside_viewport(page, page.locator("tbody tr").nth(index).locator("td.actions"))
    _no_horizontal_scroll(page)


def test_a_100_character_name_keeps_the_student_list_on_screen(layout_data, login_as, page, base_url, screenshot):
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/portfolios?q=LAY001")
    row = page.locator('tr[data-student="LAY001"]')
    expect(row).to_be_visible()
    screenshot("layout-students-long-name")
    for index in range(row.locator("td").count()):
        _inside_viewport(page, row.locator("td").nth(index))
    _inside_viewport(page, row.get_by_role("link", name="Bekijken"))
    _no_horizontal_scroll(page)


def _aligned_columns(page: Page, form) -> None:
    """The columns of a filter bar that share a line (a bar may wrap onto a second line) start at
    the same height, with their labels at the same height, and end at the same height."""
    lines: dict[int, list[dict]] = {}
    columns = form.locator(":scope > .col-auto")
    for index in range(columns.count()):
        column = columns.nth(index)
        if not column.is_visible():
            continue
        box = column.bounding_box()
        label = column.locator("label.form-label")
        lines.setdefault(round(box["y"] + box["height"]), []).append(
            {"top": round(box["y"]), "label": round(label.first.bounding_box()["y"]) if label.count() else None}
        )
    assert lines
    for bottom, line in lines.items():
        labelled = [c for c in line if c["label"] is not None]
        if not labelled:
            continue  # the bar's buttons, wrapped onto a line of their own
        assert len({c["top"] for c in labelled}) == 1, (bottom, line)
        assert len({c["label"] for c in labelled}) == 1, (bottom, line)
    # Lines are told apart by their bottoms: two bottoms within a few pixels would be one
    # misaligned line, not two.
    bottoms = sorted(lines)
    assert all(b - a > 20 for a, b in zip(bottoms, bottoms[1:])), bottoms


def test_the_filter_bars_stay_aligned_when_a_type_to_filter_box_appears(layout_data, login_as, page, base_url,
                                                                        screenshot):
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/portfolios?wissen=1")
    filters = page.get_by_role("search", name="Filters")
    programme_box = filters.locator(".select-filter input")
    expect(programme_box.first).to_be_visible()  # the long programme list got its type-to-filter box
    screenshot("layout-portfolios-filters")
    _aligned_columns(page, filters)
    bulk = page.locator(".bulk-actions")
    expect(bulk.locator(".select-filter input")).to_have_count(1)  # beside the long group list
    _aligned_columns(page, bulk)
    # Typing still narrows the list.
    programme_box.first.fill("Indelingstest 3")
    expect(page.get_by_label("Opleiding", exact=True)).to_have_value(str(_programme_value(page, "Indelingstest 3")))


def _programme_value(page: Page, name: str) -> str:
    return page.get_by_label("Opleiding", exact=True).locator("option", has_text=name).first.get_attribute("value")


def test_voer_uit_looks_like_an_active_primary_button(layout_data, login_as, page, base_url):
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/portfolios")
    button = page.get_by_role("button", name="Voer uit")
    expect(button).to_be_enabled()
    style = button.evaluate("b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.opacity]; }")
    filter_style = page.get_by_role("button", name="Filteren").evaluate(
        "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.opacity]; }"
    )
    assert style == filter_style  # the same primary look as the other action buttons
    assert style[0] != "rgb(108, 117, 125)" and style[2] == "1"  # not Bootstrap's grey "secondary"


@pytest.mark.parametrize("width", [1280, 400])
def test_every_label_of_the_portfolio_stands_beside_its_own_value(layout_data, login_as, page, base_url, screenshot,
                                                                  width):
    page.set_viewport_size({"width": width, "height": 900})
    login_as("admin@demo.nl")
    page.goto(f"{base_url}/portfolios?q=LAY002")
    page.locator('tr[data-student="LAY002"]').get_by_role("link", name="Bekijken").click()
    screenshot(f"layout-portfolio-empty-values-{width}")
    data = page.locator("dl.student-data")
    labels, values = data.locator("dt"), data.locator("dd")
    assert labels.count() == values.count()
    for index in range(labels.count()):
        label, value = labels.nth(index).bounding_box(), values.nth(index).bounding_box()
        assert value["height"] > 0, labels.nth(index).inner_text()
        assert values.nth(index).inner_text().strip(), labels.nth(index).inner_text()
        if width >= 576:
            assert abs(value["y"] - label["y"]) <= 1, labels.nth(index).inner_text()  # side by side
        else:
            assert value["y"] >= label["y"] + label["height"] - 1, labels.nth(index).inner_text()  # right below
            if index + 1 < labels.count():
                assert labels.nth(index + 1).bounding_box()["y"] >= value["y"] + value["height"] - 1
    expect(data.locator('[data-field="phone"]')).to_have_text("—")
