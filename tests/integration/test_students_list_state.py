"""Filters persist while navigating (product.md section 7), until the user clears them."""

from __future__ import annotations

from tests.helpers import login
from tests.integration.test_students_routes import add_student, make_school


def test_a_list_opened_again_from_the_menu_keeps_its_filters_until_they_are_cleared(app, client):
    school = make_school(app)
    add_student(app, school, "1001", "Jansen")
    add_student(app, school, "1002", "Pietersen")
    assert login(client, "admin@t.nl").status_code == 302

    filtered = client.get("/portfolios?q=Jansen")
    assert filtered.status_code == 200 and 'data-student="1002"' not in filtered.get_data(as_text=True)

    client.get("/faq")  # navigate elsewhere and come back through the menu
    back = client.get("/portfolios")
    assert back.status_code == 302 and back.headers["Location"].endswith("/portfolios?q=Jansen")

    cleared = client.get("/portfolios?wissen=1")
    assert cleared.status_code == 302
    everyone = client.get("/portfolios").get_data(as_text=True)
    assert 'data-student="1001"' in everyone and 'data-student="1002"' in everyone


def test_each_list_remembers_its_own_filters(app, client):
    school = make_school(app)
    add_student(app, school, "1001", "Jansen")
    assert login(client, "admin@t.nl").status_code == 302
    client.get("/portfolios?q=Jansen")
    assert client.get("/mijn-portfolio").status_code == 200
