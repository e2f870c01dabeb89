"""Test helpers shared by the integration and e2e suites."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
from dependency_injector import providers

from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.adapters.database import make_engine
from mijnportfolio.adapters.orm import metadata, start_mappers
from mijnportfolio.entrypoints.config import Settings

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)


def test_settings(tmp_path: Path, database_url: str | None = None, **overrides) -> Settings:
    values = dict(
        env="test",
        database_url=database_url or f"sqlite:///{tmp_path / 'test.db'}",
        secret_key="test-secret",
        mail_backend="memory",
        instance_path=str(tmp_path),
        wtf_csrf_enabled=True,
        base_url="http://mijnportfolio.test",
    )
    values.update(overrides)
    return Settings(**values)


def reset_schema(engine: sa.Engine) -> None:
    """Empty schema with every table (tests only; the app itself migrates with Alembic)."""
    start_mappers()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        metadata.drop_all(engine)
    metadata.create_all(engine)


def build_test_app(tmp_path: Path, database_url: str | None = None, clock: FixedClock | None = None, **overrides):
    """A Flask app on a fresh database, a fixed clock and the memory mailer."""
    from mijnportfolio.entrypoints.web import create_app

    settings = test_settings(tmp_path, database_url, **overrides)
    clock = clock or FixedClock(NOW)
    from mijnportfolio.adapters.passwords import Argon2PasswordHasher

    # Cheap argon2 parameters: the tests check behaviour, not hashing cost.
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = create_app(
        settings,
        container_overrides={"clock": providers.Object(clock), "hasher": providers.Object(hasher)},
    )
    reset_schema(app.extensions["container"].engine())
    app.config["TEST_CLOCK"] = clock
    return app


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, email: str, password: str = "demo1234"):
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client, url: str, data: dict, *, form_url: str | None = None, follow_redirects: bool = False):
    """GET the form page for a CSRF token, then POST ``data`` with it."""
    page = client.get(form_url or url)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow_redirects)


def memory_mailer(app):
    return app.extensions["container"].mailer()


def pg_url() -> str | None:
    import os

    return os.environ.get("TEST_DATABASE_URL")


def fresh_engine(kind: str, tmp_path: Path) -> sa.Engine:
    if kind == "postgres":
        engine = make_engine(pg_url())
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'repo.db'}")
    reset_schema(engine)
    return engine
