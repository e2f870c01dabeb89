from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.adapters.database import make_session_factory
from mijnportfolio.adapters.unit_of_work import SqlAlchemyUnitOfWorkFactory
from mijnportfolio.application.demo import seed_demo
from tests.helpers import NOW, build_test_app, fresh_engine, login, pg_url

BOTH_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH_DATABASES)
def engine(request, tmp_path):
    """A fresh, empty schema on SQLite and on PostgreSQL (the test runs once on each)."""
    engine = fresh_engine(request.param, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine) -> sessionmaker:
    return make_session_factory(engine)


@pytest.fixture
def uow_factory(session_factory):
    return SqlAlchemyUnitOfWorkFactory(session_factory)


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def app(tmp_path, clock):
    app = build_test_app(tmp_path, clock=clock)
    yield app
    app.extensions["container"].engine().dispose()


@pytest.fixture(params=BOTH_DATABASES)
def any_app(request, tmp_path, clock):
    """The app on SQLite and on PostgreSQL."""
    url = pg_url() if request.param == "postgres" else None
    app = build_test_app(tmp_path, url, clock=clock)
    yield app
    app.extensions["container"].engine().dispose()


@pytest.fixture
def demo(app):
    c = app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def logged_in(client, demo):
    """A client logged in as the given demo user: logged_in('admin@demo.nl')."""

    def _login(email: str):
        response = login(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login
