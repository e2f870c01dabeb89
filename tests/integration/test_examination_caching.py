"""The caches of the Examenoverzicht and the Examendashboard: the data version that every write to
what they show raises (on SQLite and PostgreSQL), the cache of rendered fragments, and pages that
come from the cache yet never show anything stale: not after a write, not after the clock passes
the start of a planned part."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.fragment_cache import MemoryFragmentCache
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.application.examination import dashboard as dashboard_use_cases
from tests.helpers import login
from tests.integration.test_examination_planning_routes import cells, ids, overview, part_fields, post_plan
from tests.integration.test_students_list_query import counting

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def version(app) -> int:
    return app.extensions["container"].data_versions().examination()


def statements(app, action) -> int:
    with counting(app.extensions["container"].engine()) as seen:
        action()
    return len(seen)


# --- the data version ------------------------------------------------------------------------------


@pytest.fixture
def seeded(any_app):
    c = any_app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    return any_app


def test_a_committed_write_to_a_student_raises_the_version_once(seeded):
    c = seeded.extensions["container"]
    before = version(seeded)
    with c.uow() as uow:
        student = uow.students.list_by_ids([ids(seeded)["students"]["100003"]])[0]
        student.cohort = "2031"
        uow.flush()
        student.cohort = "2032"  # two flushes in one transaction: still one step
        uow.commit()
    assert version(seeded) == before + 1


def test_a_rolled_back_write_and_a_write_elsewhere_leave_the_version_alone(seeded):
    c = seeded.extensions["container"]
    before = version(seeded)
    with c.uow() as uow:
        student = uow.students.list_by_ids([ids(seeded)["students"]["100003"]])[0]
        student.cohort = "2031"
        uow.flush()
        uow.rollback()
    with c.uow() as uow:  # a commit that writes nothing the overview shows
        uow.commit()
    with c.engine().begin() as conn:
        conn.execute(sa.update(orm.faq_items).values(question=orm.faq_items.c.question))
    assert version(seeded) == before


def test_the_version_survives_a_database_without_its_row(seeded):
    c = seeded.extensions["container"]
    with c.engine().begin() as conn:
        conn.execute(sa.delete(orm.data_versions))
    assert version(seeded) == 1
    with c.uow() as uow:
        uow.students.list_by_ids([ids(seeded)["students"]["100003"]])[0].cohort = "2031"
        uow.commit()
    assert version(seeded) == 2


# --- the cache of rendered fragments -----------------------------------------------------------------


def test_a_fragment_is_served_within_its_window_of_time_only():
    cache = MemoryFragmentCache()
    cache.put("k", "<p>a</p>", now=T0, valid_until=T0 + dt.timedelta(hours=1))
    assert cache.get("k", T0) == "<p>a</p>"
    assert cache.get("k", T0 + dt.timedelta(minutes=59)) == "<p>a</p>"
    assert cache.get("k", T0 - dt.timedelta(seconds=1)) is None  # a clock set back: not known then
    cache.put("k", "<p>a</p>", now=T0, valid_until=T0 + dt.timedelta(hours=1))
    assert cache.get("k", T0 + dt.timedelta(hours=1)) is None
    cache.put("forever", "x", now=T0, valid_until=None)
    assert cache.get("forever", T0 + dt.timedelta(days=365)) == "x"


def test_the_cache_drops_the_least_recently_used_first_and_stays_within_its_size():
    cache = MemoryFragmentCache(max_entries=2, max_chars=100)
    cache.put("a", "1", now=T0, valid_until=None)
    cache.put("b", "2", now=T0, valid_until=None)
    assert cache.get("a", T0) == "1"  # a is now the most recent
    cache.put("c", "3", now=T0, valid_until=None)
    assert (cache.get("a", T0), cache.get("b", T0), cache.get("c", T0)) == ("1", None, "3")
    cache.put("big", "x" * 60, now=T0, valid_until=None)  # more than a quarter of the room: not kept
    assert cache.get("big", T0) is None and len(cache) == 2
    cache.put("d", "y" * 20, now=T0, valid_until=None)
    cache.put("e", "z" * 20, now=T0, valid_until=None)
    assert len(cache) == 2 and cache.get("e", T0) == "z" * 20


# --- the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def supervisor(logged_in):
    return logged_in("begeleider@demo.nl")


def test_a_second_view_of_the_overview_comes_from_the_cache_and_is_the_same(supervisor, demo):
    first = statements(demo, lambda: overview(supervisor, demo))
    html = overview(supervisor, demo)
    again = statements(demo, lambda: overview(supervisor, demo))
    assert again < first
    assert overview(supervisor, demo) == html
    assert 'data-status="' in html


def test_a_planning_shows_at_once_and_the_clock_turns_the_cell_blue(supervisor, demo):
    assert cells(overview(supervisor, demo))["100003"] == ("not_planned", 0)
    overview(supervisor, demo)  # kept in the cache
    response = post_plan(supervisor, demo, "100003", {**part_fields(demo, 0), **part_fields(demo, 1, copy_previous="1")})
    assert response.status_code == 302
    assert cells(overview(supervisor, demo))["100003"] == ("planned", 1)
    overview(supervisor, demo)
    demo.config["TEST_CLOCK"].set(dt.datetime(2026, 9, 22, 7, 0, tzinfo=UTC))  # 09:00 in Amsterdam: it starts
    assert cells(overview(supervisor, demo))["100003"] == ("started", 1)
    demo.config["TEST_CLOCK"].set(dt.datetime(2026, 9, 22, 6, 59, tzinfo=UTC))  # set back: not served as started
    assert cells(overview(supervisor, demo))["100003"] == ("planned", 1)


def test_two_users_never_see_each_others_overview(logged_in, demo, client):
    admin_html = logged_in("admin@demo.nl").get(f"/examenoverzicht?opleiding={ids(demo)['programme']}").get_data(as_text=True)
    client.get("/logout")
    login(client, "opleider@demo.nl")
    trainer_html = client.get(f"/examenoverzicht?opleiding={ids(demo)['programme']}").get_data(as_text=True)
    assert set(cells(admin_html)) > set(cells(trainer_html))


def test_the_dashboard_lists_come_a_page_at_a_time(logged_in, demo, monkeypatch):
    monkeypatch.setattr(dashboard_use_cases, "PER_PAGE", 1)
    examiner = logged_in("examinator@demo.nl")

    def planned(html: str) -> list[str]:
        section = html.split('id="planning"', 1)[1]
        return re.findall(r'<tr data-planning="(\d+)"', section)

    first = examiner.get("/examendashboard").get_data(as_text=True)
    total = int(re.search(r'id="planning".*?data-total="(\d+)"', first, re.S).group(1))
    assert total >= 2 and len(planned(first)) == 1
    assert 'aria-label="Paginering examenplanning"' in first
    second = examiner.get("/examendashboard?gepland=2").get_data(as_text=True)
    assert planned(second) != planned(first) and len(planned(second)) == 1
    beyond = examiner.get(f"/examendashboard?gepland={total + 5}").get_data(as_text=True)
    assert planned(beyond) == planned(examiner.get(f"/examendashboard?gepland={total}").get_data(as_text=True))
    assert examiner.get("/examendashboard?gepland=nonsense").status_code == 200


def test_a_login_or_a_profile_leaves_the_version_alone_but_a_name_does_not(seeded):
    c = seeded.extensions["container"]
    before = version(seeded)
    client = seeded.test_client()
    assert login(client, "begeleider@demo.nl").status_code == 302  # stores the time of the login
    with c.uow() as uow:
        student = uow.students.list_by_ids([ids(seeded)["students"]["100003"]])[0]
        student.city = "Utrecht"
        uow.commit()
    assert version(seeded) == before
    with c.uow() as uow:
        uow.users.get_by_email("begeleider@demo.nl").last_name = "Anders"
        uow.commit()
    assert version(seeded) == before + 1
