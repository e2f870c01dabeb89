"""The overview's read model on SQLite and PostgreSQL: a fixed number of statements whatever the
size, and a summary that counts exactly what the cells show."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.queries_overview import SqlAlchemyOverviewQuery
from mijnportfolio.application.examination.overview import export_overview, show_overview
from mijnportfolio.application.ports.examination import OverviewFilters
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, StudentScope
from tests.integration.test_students_list_query import counting, populate
from tests.unit.fakes import FakeClock

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
ADMIN = Actor(user_id=1, role=Role.ADMIN)
SUPERVISOR = Actor(user_id=2, role=Role.SUPERVISOR, organisation_id=1)
EXAMS, PARTS = 12, 3


def add_exams_and_attempts(engine: sa.Engine, n: int) -> None:
    """12 exams of 3 parts; students get attempts in a spread of states (bulk inserts)."""
    with engine.begin() as conn:
        conn.execute(orm.users.insert(), [{"id": 5, "email": "examinator@t.nl", "role": Role.EXAMINER, "last_name": "Ex",
                                           "sort_name": "ex", "organisation_id": 1, "active": True, "language": "nl",
                                           "version": 1}])
        conn.execute(orm.exams.insert(), [
            {"id": e, "programme_id": 1, "code": f"E{e:02d}", "name": f"Examen {e}", "pass_mark": "5.5",
             "justification_scores": "1,2,5", "position": e, "version": 1} for e in range(1, EXAMS + 1)
        ])
        conn.execute(orm.exam_parts.insert(), [
            {"id": e * 10 + p, "exam_id": e, "number": p, "title": ""} for e in range(1, EXAMS + 1) for p in range(1, PARTS + 1)
        ])
        attempts, plannings = [], []
        attempt_id = planning_id = 0
        for k in range(n):
            for e in range(1, EXAMS + 1):
                kind = (k + e) % 7  # 0 none, 1 some future, 2 some past, 3 all future, 4 started, 5 passed, 6 failed
                if kind == 0:
                    continue
                attempt_id += 1
                final = kind in (5, 6)
                attempts.append({"id": attempt_id, "student_id": k + 1, "exam_id": e, "number": 1,
                                 "created_at": NOW - dt.timedelta(days=90), "result_passed": (kind == 5) if final else None,
                                 "version": 1})
                count = 1 if kind in (1, 2) else PARTS
                for p in range(1, count + 1):
                    planning_id += 1
                    start = NOW + dt.timedelta(days=5) if kind in (1, 3) else NOW - dt.timedelta(days=5)
                    plannings.append({
                        "id": planning_id, "attempt_id": attempt_id, "part_id": e * 10 + p, "starts_at": start,
                        "ends_at": start + dt.timedelta(hours=2), "examiner1_id": 5, "examiner2_may_submit": False,
                        "calendar_uid": f"uid-{planning_id}", "calendar_sequence": 0,
                        "finalized_at": start if final else None, "version": 1,
                    })
        for start in range(0, len(attempts), 5000):
            conn.execute(orm.attempts.insert(), attempts[start:start + 5000])
        for start in range(0, len(plannings), 5000):
            conn.execute(orm.part_plannings.insert(), plannings[start:start + 5000])


@pytest.mark.parametrize("n", [10, 1000])
def test_an_overview_page_runs_at_most_six_statements(engine, n):
    populate(engine, n)
    add_exams_and_attempts(engine, n)
    query = SqlAlchemyOverviewQuery(engine)
    query.programmes(StudentScope())  # warm up the pool
    with counting(engine) as statements:
        query.overview(1, StudentScope(), OverviewFilters(), sort="name", page=1, per_page=50, now=NOW)
    assert len(statements) == 6, statements
    with counting(engine) as filtered:
        query.overview(1, StudentScope(organisation_id=1, linked_user_id=2), OverviewFilters(group_id=1, q="voor"),
                       sort="-number", page=1, per_page=3, now=NOW)
    assert len(filtered) == 6, filtered


def test_the_summary_counts_what_the_cells_show_over_all_pages(engine):
    populate(engine, 120)
    add_exams_and_attempts(engine, 120)
    query = SqlAlchemyOverviewQuery(engine)
    clock = FakeClock(NOW)
    page = show_overview(query, ADMIN, clock, 1, OverviewFilters(), page=1, per_page=50)
    everything = export_overview(query, ADMIN, clock, 1, OverviewFilters())
    shown = Counter(cell.status for row in everything.rows for cell in row.cells)
    assert dict(page.summary) == {status: shown.get(status, 0) for status, _ in page.summary}
    assert sum(count for _, count in page.summary) == 120 * EXAMS
    assert page.total == 120 and len(page.rows) == 50 and len(everything.rows) == 120
    assert all(count > 0 for _, count in page.summary)


def test_a_supervisor_sees_only_linked_students_and_the_filters_apply(engine):
    populate(engine, 40)
    add_exams_and_attempts(engine, 40)
    query = SqlAlchemyOverviewQuery(engine)
    clock = FakeClock(NOW)
    mine = show_overview(query, SUPERVISOR, clock, 1, OverviewFilters(), page=1, per_page=100)
    assert mine.total == 20
    by_cohort = show_overview(query, SUPERVISOR, clock, 1, OverviewFilters(cohort="2020"), page=1, per_page=100)
    assert {row.student.cohort for row in by_cohort.rows} == {"2020"}
    named = show_overview(query, ADMIN, clock, 1, OverviewFilters(q="achter00003"), page=1, per_page=100)
    assert [row.student.student_number for row in named.rows] == ["000003"]
