"""Shared test settings. On CI (CI=true) a missing PostgreSQL or Chromium fails the run."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
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


def pytest_collection_modifyitems(config, items):
    no_pg = not os.environ.get("TEST_DATABASE_URL")
    no_browser = not os.path.exists(CHROMIUM)
    for item in items:
        if no_pg and "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(
                reason="PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run them"))
        if no_browser and "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(
                reason="Browser tests skipped: install Debian's chromium (apt-get install chromium) to run them"))
