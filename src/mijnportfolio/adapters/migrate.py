"""Run Alembic migrations programmatically (no alembic.ini needed by the installed package)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from .database import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(engine: sa.Engine, revision: str = "heads") -> None:
    """Migrate to ``revision``; by default to every head (contexts may add migrations side by side)."""
    config = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def is_empty(engine: sa.Engine) -> bool:
    """True when the database has no users yet (a new install)."""
    inspector = sa.inspect(engine)
    if "users" not in inspector.get_table_names():
        return True
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT COUNT(*) FROM users")).scalar() == 0
