"""The benchmark never rots: its pipeline at N = 200 (seed-bench, every status of the overview,
SQL statements per page at two sizes, the raw-SQL floor and the HTTP runner), in seconds."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from bench import run as bench_run
from mijnportfolio.adapters import orm
from mijnportfolio.adapters.bench_seed import BENCH_PASSWORD, BenchSeedRefused, bench_email, seed_bench
from mijnportfolio.adapters.passwords import Argon2PasswordHasher
from mijnportfolio.application.examination.overview import show_overview
from mijnportfolio.application.ports.examination import OverviewFilters
from mijnportfolio.domain.examination.status import CellStatus
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import build_test_app, pg_url
from tests.integration.conftest import BOTH_DATABASES

# Cheap argon2: the logins of the statement counts verify this hash.
HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
SMALL, LARGE = 100, 200


def _seeded(tmp_path, kind: str, n: int):
    app = build_test_app(tmp_path, pg_url() if kind == "postgres" else None)
    c = app.extensions["container"]
    report = seed_bench(c.engine(), HASHER.hash(BENCH_PASSWORD), c.clock().now(), students=n, programmes=3, exams=12,
                        parts=3, seed=7)
    return app, report


def _student_one(engine: sa.Engine) -> list[tuple]:
    a, s, u, pp = orm.attempts.c, orm.students.c, orm.users.c, orm.part_plannings.c
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(orm.exams.c.code, a.number, a.result_passed, sa.func.count(pp.id), sa.func.count(pp.finalized_at))
            .select_from(orm.attempts.join(orm.students, s.id == a.student_id).join(orm.users, u.id == s.user_id)
                         .join(orm.exams, orm.exams.c.id == a.exam_id).outerjoin(orm.part_plannings, pp.attempt_id == a.id))
            .where(u.email == bench_email("student", 1))
            .group_by(orm.exams.c.code, a.number, a.result_passed).order_by(orm.exams.c.code, a.number)
        )]


@pytest.fixture(params=BOTH_DATABASES)
def kind(request):
    return request.param


def test_the_bench_pipeline_at_two_sizes(tmp_path, kind):
    small_app, _ = _seeded(tmp_path / "small", kind, SMALL)
    small_engine = small_app.extensions["container"].engine()
    now = small_app.extensions["container"].clock().now()
    small_counts = bench_run.statement_counts(small_app, bench_run.bench_facts(small_engine, now))
    student_one_small = _student_one(small_engine)
    small_engine.dispose()

    app, report = _seeded(tmp_path / "large", kind, LARGE)
    c = app.extensions["container"]
    engine = c.engine()
    facts = bench_run.bench_facts(engine, now)
    large_counts = bench_run.statement_counts(app, facts, cpu_runs=1)

    # Every page answered, and no page runs more statements for more students.
    assert {name: v["status"] for name, v in large_counts.items()} == {
        name: 302 if name in ("login", "submit") else 200 for name in large_counts
    }, large_counts
    assert {k: v["statements"] for k, v in small_counts.items()} == {k: v["statements"] for k, v in large_counts.items()}

    # Deterministic per person: bench-student-1 has the same attempts whatever the size.
    assert _student_one(engine) == student_one_small and student_one_small

    # Every status of the overview, final assessments with scores, the busy examiner's open parts.
    admin = Actor(user_id=engine.connect().execute(
        sa.select(orm.users.c.id).where(orm.users.c.email == bench_email("admin"))).scalar_one(), role=Role.ADMIN)
    overview = show_overview(c.overview_query(), admin, c.clock(), facts["programme_id"], OverviewFilters(), per_page=50)
    summary = dict(overview.summary)
    assert set(summary) == set(CellStatus) and all(summary[status] > 0 for status in CellStatus), summary
    assert overview.total == facts["programme_students"] > LARGE * 2 // 5 * 0.9  # 40 %, less the few inactive
    assert report.counts["assessment_scores"] > 0 and report.counts["students"] == LARGE
    assert report.busy_examiner_open_parts == len(facts["open_parts"]) > 0
    with engine.connect() as conn:
        final = conn.execute(sa.select(sa.func.count()).where(orm.part_plannings.c.final_assessment_id.is_not(None))).scalar()
        scored = conn.execute(
            sa.select(sa.func.count(sa.distinct(orm.assessment_scores.c.assessment_id)))
            .where(orm.assessment_scores.c.assessment_id.in_(sa.select(orm.part_plannings.c.final_assessment_id)))
        ).scalar()
    assert final > 0 and scored == final

    floor = bench_run.raw_floor(engine, facts["programme_id"], runs=2)
    assert floor["rows"] > 50

    # The HTTP runner against a real server: logins, CSRF tokens, a page, a draft and a submit.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        req = bench_run.Requests(server.server_port, bench_run.bench_facts(engine, now))  # without the part sent in
        bench_run.predraft(req, 2)
        pages = {p["name"]: p for p in bench_run.get_pages(facts)}
        for name in ("overview", "dashboard", "draft", "submit"):
            measured = bench_run.sequential(req, pages[name], 2, warmup=0)
            assert measured["n"] == 2 and measured["statuses"] == ([302] if name == "submit" else [200]), (name, measured)
    finally:
        server.shutdown()
        engine.dispose()


def test_seed_bench_is_refused_in_production_and_twice(tmp_path):
    app = build_test_app(tmp_path)
    c = app.extensions["container"]
    with pytest.raises(BenchSeedRefused):
        seed_bench(c.engine(), "x", c.clock().now(), students=1, production=True)
    seed_bench(c.engine(), HASHER.hash(BENCH_PASSWORD), c.clock().now(), students=3, programmes=1, exams=1, parts=1)
    with pytest.raises(BenchSeedRefused):
        seed_bench(c.engine(), "x", c.clock().now(), students=3)
    c.engine().dispose()


def test_the_cli_refuses_seed_bench_in_production(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mijnportfolio.entrypoints.cli import main

    env = {"MIJNPORTFOLIO_ENV": "production", "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
           "MIJNPORTFOLIO_INSTANCE": str(tmp_path), "MAIL_BACKEND": "memory"}
    result = CliRunner().invoke(main, ["seed-bench", "--students", "1"], env=env)
    assert result.exit_code == 2 and "geweigerd" in result.output
