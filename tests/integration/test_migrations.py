"""The Alembic migrations build exactly the schema the code maps, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mijnportfolio.adapters import migrate
from mijnportfolio.adapters.database import make_engine
from mijnportfolio.adapters.orm import metadata
from tests.helpers import pg_url


def _empty_engine(kind: str, tmp_path) -> sa.Engine:
    if kind == "postgres":
        engine = make_engine(pg_url())
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        return engine
    return make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_upgrading_an_empty_database_gives_the_schema_the_code_expects(kind, tmp_path):
    engine = _empty_engine(kind, tmp_path)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == [], f"orm.py and the migrations differ; write a migration: {differences}"


def test_upgrading_twice_changes_nothing(tmp_path):
    engine = _empty_engine("sqlite", tmp_path)
    migrate.upgrade(engine)
    first = migrate.current_revision(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == first
    assert migrate.is_empty(engine)
