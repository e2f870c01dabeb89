"""A freshly started server process answers parallel requests without a server error.

A new gunicorn worker can get several requests at once (a browser that was logged in asks for
the page and its static files). The ORM must be mapped and configured completely while the app
is built, not lazily by whichever request comes first. Each check runs in a new Python process,
because the mappers are configured once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mijnportfolio.adapters import migrate
from mijnportfolio.application.demo import seed_demo
from tests.helpers import test_settings as settings_for

FRESH_WORKER = r"""
import json, sys, threading
from mijnportfolio.adapters.orm import mapper_registry
from mijnportfolio.entrypoints.web import create_app

app = create_app()
mappers = list(mapper_registry.mappers)
configured = bool(mappers) and all(m.configured for m in mappers)
cookie = sys.argv[1]
paths = ["/mijn-portfolio", "/portfolios", "/static/css/app.css", "/faq", "/"] * 4
statuses, errors = [], []
barrier = threading.Barrier(len(paths))

def fetch(path):
    client = app.test_client()
    client.set_cookie("session", cookie, domain="localhost")
    barrier.wait()
    try:
        statuses.append(client.get(path).status_code)
    except Exception as exc:  # a crash in the app is what we look for
        errors.append(f"{type(exc).__name__}: {exc}")

threads = [threading.Thread(target=fetch, args=(p,)) for p in paths]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"configured": configured, "statuses": statuses, "errors": errors}))
"""


@pytest.fixture
def seeded(tmp_path):
    """A migrated database with the demo data, and a session cookie of a logged-in supervisor."""
    from mijnportfolio.entrypoints.web import create_app

    settings = settings_for(tmp_path, wtf_csrf_enabled=False)
    app = create_app(settings)
    c = app.extensions["container"]
    migrate.upgrade(c.engine())
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    client = app.test_client()
    response = client.post("/login", data={"email": "begeleider@demo.nl", "password": "demo1234"})
    assert response.status_code == 302
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None
    c.engine().dispose()
    return settings, cookie.value


def _fresh_worker(settings, cookie: str) -> dict:
    env = {
        **os.environ,
        "MIJNPORTFOLIO_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "MIJNPORTFOLIO_INSTANCE": settings.instance_path,
        "MAIL_BACKEND": "memory",
    }
    done = subprocess.run(
        [sys.executable, "-c", FRESH_WORKER, cookie],
        env=env, capture_output=True, text=True, timeout=120, cwd=Path(settings.instance_path),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fresh_app_has_its_mappers_configured_before_the_first_request(seeded):
    outcome = _fresh_worker(*seeded)
    assert outcome["configured"], "the ORM is configured lazily, by whichever request comes first"


def test_a_fresh_app_answers_parallel_logged_in_requests_without_a_server_error(seeded):
    for _ in range(3):
        outcome = _fresh_worker(*seeded)
        assert outcome["errors"] == []
        assert sorted(set(outcome["statuses"])) in ([200], [200, 302]), outcome["statuses"]
        assert 500 not in outcome["statuses"]
