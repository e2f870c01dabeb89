"""Shared test settings. On CI (CI=true) a missing PostgreSQL or Chromium fails the run."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("MIJNPORTFOLIO_TEST_CHROMIUM", "/usr/bin/chromium")
ON_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    if ON_CI:
        missing = []
        if not os.environ.get("TEST_DATABASE_URL"):
            missing.append("TEST_DATABASE_URL (PostgreSQL) is not set")
        if not os.path.exists(CHROMIUM):
            missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
        if missing:
            raise pytest.UsageError("CI=true but " + " and ".join(missing) + ": these tests may not be skipped on CI.")


PG_HINT = "PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run them"
BROWSER_HINT = "Browser tests skipped: install Debian's chromium (apt-get install chromium) to run them"
_skipped = {PG_HINT: 0, BROWSER_HINT: 0}


def pytest_collection_modifyitems(config, items):
    no_pg = not os.environ.get("TEST_DATABASE_URL")
    no_browser = not os.path.exists(CHROMIUM)
    for item in items:
        if no_pg and "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=PG_HINT))
            _skipped[PG_HINT] += 1
        elif no_browser and ("e2e" in item.keywords or "/tests/e2e/" in str(item.path).replace("\\", "/")):
            item.add_marker(pytest.mark.skip(reason=BROWSER_HINT))
            _skipped[BROWSER_HINT] += 1


def pytest_terminal_summary(terminalreporter):
    """One clear line per kind of test that could not run here, and how to enable it."""
    for hint, count in _skipped.items():
        if count:
            terminalreporter.write_line(f"{hint} ({count} tests)", yellow=True)
