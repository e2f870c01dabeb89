"""Data versions: which state of the examination's data a cached read belongs to.

Every statement that writes one of the tables the overview and the dashboard read marks its
connection; the unit of work raises the counter as the last statement before it commits, in the
same transaction, so that the new data and the new version become visible together. A reader
takes the version first and the data after it, so what it caches is never older than its key.
Writes outside a unit of work (the bench seed, migrations) happen before the servers start."""

from __future__ import annotations

import sqlalchemy as sa

from . import orm

EXAMINATION = "examination"

#: The tables the Examenoverzicht and the Examendashboard read.
WATCHED_TABLES = frozenset({
    "organisations", "users", "programmes", "exams", "exam_parts", "students", "participant_groups",
    "student_groups", "attempts", "part_plannings",
})

#: Columns of those tables that neither page shows: an update that sets only these (a login, a
#: password, the student's own profile) leaves the version alone, so caches stay warm.
UNSEEN_COLUMNS = {
    "users": frozenset({"password_hash", "last_login_at", "language", "version"}),
    "students": frozenset({"phone", "introduction", "street", "postcode", "city", "photo_key", "photo_type", "version"}),
}

_CHANGED = "mijnportfolio.examination_changed"
dv = orm.data_versions.c


def _shows(table: sa.Table, context) -> bool:
    """Whether this write changes something the pages show (when in doubt: yes)."""
    unseen = UNSEEN_COLUMNS.get(table.name)
    if unseen is None or not context.isupdate or not context.compiled_parameters:
        return True
    columns = table.c
    for parameters in context.compiled_parameters:
        if any(key in columns and key not in unseen for key in parameters):
            return True
    return False


def _mark_writes(conn, _cursor, _statement, _parameters, context, _executemany) -> None:
    if context is None or not (context.isinsert or context.isupdate or context.isdelete):
        return
    table = getattr(getattr(context.compiled, "statement", None), "table", None)
    if isinstance(table, sa.Table) and table.name in WATCHED_TABLES and _shows(table, context):
        conn.info[_CHANGED] = True


def _forget_writes(_dbapi_connection, record) -> None:
    """A connection back in the pool has committed or rolled back: nothing is pending."""
    if record is not None:
        record.info.pop(_CHANGED, None)


def watch(engine: sa.Engine) -> None:
    """Mark every connection of ``engine`` that writes a watched table (once per engine)."""
    if not sa.event.contains(engine, "after_cursor_execute", _mark_writes):
        sa.event.listen(engine, "after_cursor_execute", _mark_writes)
        sa.event.listen(engine, "checkin", _forget_writes)


def raise_if_written(conn: sa.Connection) -> None:
    """Raise the version when this transaction wrote a watched table; call it just before commit."""
    if not conn.info.pop(_CHANGED, False):
        return
    raised = conn.execute(sa.update(orm.data_versions).where(dv.name == EXAMINATION).values(version=dv.version + 1))
    if raised.rowcount == 0:  # a database made by create_all rather than the migrations, or emptied
        conn.execute(sa.insert(orm.data_versions).values(name=EXAMINATION, version=2))


class SqlAlchemyDataVersions:
    """Implements DataVersions (the engine is watched from its creation, see database.make_engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def examination(self) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(dv.version).where(dv.name == EXAMINATION)).scalar()
        return int(found or 1)
