"""Write a new Alembic migration from the difference between orm.metadata and the migrated schema.

Usage: .venv/bin/python scripts/autogenerate_migration.py "message" [revision-id]
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from mijnportfolio.adapters import migrate
from mijnportfolio.adapters.database import make_engine

message = sys.argv[1]
rev_id = sys.argv[2] if len(sys.argv) > 2 else None
with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'autogen.db'}")
    migrate.upgrade(engine)
    config = migrate.alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
