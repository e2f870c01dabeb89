"""The examination pages pass the automated WCAG 2.1 AA check (axe) without serious or critical violations."""

from __future__ import annotations

import re

import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from mijnportfolio.adapters import orm
from tests.e2e.test_accessibility import AXE_OPTIONS, _serious


def _ids(live_app) -> dict:
    with live_app.extensions["container"].engine().connect() as conn:
        students = dict(conn.execute(sa.select(orm.students.c.student_number, orm.students.c.id)).all())
        exam = conn.execute(sa.select(orm.exams.c.id).where(orm.exams.c.code == "LM")).scalar_one()
        programme = conn.execute(sa.select(orm.programmes.c.id).where(orm.programmes.c.crebo == "25491")).scalar_one()
        attempt = conn.execute(sa.select(orm.attempts.c.id).order_by(orm.attempts.c.id)).scalars().first()
    return {"students": students, "exam": exam, "programme": programme, "attempt": attempt}


def _check(page, base_url, paths) -> dict:
    problems = {}
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        found = _serious(Axe().run(page, options=AXE_OPTIONS))
        if found:
            problems[path] = found
    return problems


def test_the_planners_pages_are_accessible(login_as, page, base_url, live_app):
    known = _ids(live_app)
    page = login_as("begeleider@demo.nl")
    paths = [
        f"/examenoverzicht?opleiding={known['programme']}",
        f"/studenten/{known['students']['100004']}/examens/{known['exam']}/inplannen",
        f"/pogingen/{known['attempt']}",
        f"/pogingen/{known['attempt']}/resultaat",
        "/agenda",
        f"/examendashboard?opleiding={known['programme']}",
    ]
    assert _check(page, base_url, paths) == {}


def test_the_examiners_pages_are_accessible(login_as, page, base_url, live_app):
    page = login_as("examinator@demo.nl")
    page.goto(f"{base_url}/examendashboard")
    html = page.content()
    plannings = sorted(set(re.findall(r'href="/beoordelingen/(\d+)"', html)))
    assert plannings
    paths = ["/examendashboard"]
    for planning in plannings[:1]:
        paths += [f"/beoordelingen/{planning}", f"/beoordelingen/{planning}/controle", f"/beoordelingen/{planning}/bekijken"]
    assert _check(page, base_url, paths) == {}


def test_the_admins_reports_are_accessible(login_as, page, base_url):
    page = login_as("admin@demo.nl")
    assert _check(page, base_url, ["/beheer/correcties", "/beheer/kalibratie"]) == {}
