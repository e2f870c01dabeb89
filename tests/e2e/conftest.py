"""End-to-end tests: the app on a free loopback port, migrated with Alembic and seeded with the
demo data, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from mijnportfolio.adapters import migrate
from mijnportfolio.application.demo import seed_demo
from tests.conftest import CHROMIUM
from tests.helpers import test_settings

# Not under test-results/: pytest-playwright empties that folder at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from mijnportfolio.entrypoints.web import create_app

    tmp = tmp_path_factory.mktemp("e2e")
    # Many tests log in as the same demo accounts within a minute; the limits have their own tests.
    settings = test_settings(
        tmp, login_ip_rate_limit="1000 per minute", login_rate_limit="1000 per minute", base_url=None
    )
    app = create_app(settings)
    c = app.extensions["container"]
    migrate.upgrade(c.engine())  # the real migrations, as `make run` does
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    return app


@pytest.fixture(scope="session")
def base_url(live_app):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # keep request lines out of the test output
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def login_as(page, base_url):
    """Log in through the form as a demo user; returns the page."""

    def _login(email: str, password: str = "demo1234"):
        page.goto(f"{base_url}/logout")
        page.goto(f"{base_url}/login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def screenshot(page):
    def _shot(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
