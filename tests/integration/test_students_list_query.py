"""The student list read model on SQLite and PostgreSQL: scope, filters, sort, and a fixed
number of SQL statements whatever the number of students."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.queries_students import SqlAlchemyStudentListQuery
from mijnportfolio.application.groups import BulkSelection, bulk_add_to_group
from mijnportfolio.application.ports.students import StudentListFilters
from mijnportfolio.application.student_list import list_students
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, StudentScope
from mijnportfolio.domain.values import sort_key_for_name
from tests.helpers import build_test_app, login, pg_url

ADMIN = Actor(user_id=1, role=Role.ADMIN)


def populate(engine: sa.Engine, n: int) -> dict:
    """An organisation, a programme, two supervisors, a trainer, two groups and ``n`` students,
    inserted with Core executemany (fast, even for thousands)."""
    with engine.begin() as conn:
        conn.execute(orm.organisations.insert(), [{"id": 1, "name": "Testschool", "examiners_may_plan": False, "version": 1}])
        conn.execute(orm.programmes.insert(), [{"id": 1, "name": "Verzorgende-IG", "crebo": "25491", "level": 3, "version": 1}])
        staff = [
            (1, "admin@t.nl", Role.ADMIN, "Anna", None, "Beheer", None),
            (2, "begeleider@t.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider", 1),
            (3, "begeleider2@t.nl", Role.SUPERVISOR, "Britt", None, "Dam", 1),
            (4, "opleider@t.nl", Role.TRAINER, "Olga", None, "Opleider", 1),
        ]
        conn.execute(
            orm.users.insert(),
            [
                {"id": i, "email": e, "role": r, "first_name": f, "infix": x, "last_name": l,
                 "sort_name": sort_key_for_name(f, x, l), "organisation_id": o, "active": True,
                 "language": "nl", "version": 1}
                for i, e, r, f, x, l, o in staff
            ],
        )
        conn.execute(orm.participant_groups.insert(), [
            {"id": 1, "organisation_id": 1, "name": "Klas A", "category": "Klas", "version": 1},
            {"id": 2, "organisation_id": 1, "name": "Klas B", "category": "Klas", "version": 1},
        ])
        users, students, memberships = [], [], []
        for k in range(n):
            uid = 100 + k
            first, infix, last = f"Voor{k}", ("van" if k % 3 == 0 else None), f"Achter{k:05d}"
            users.append({"id": uid, "email": f"s{k}@t.nl", "role": Role.STUDENT, "first_name": first, "infix": infix,
                          "last_name": last, "sort_name": sort_key_for_name(first, infix, last),
                          "organisation_id": 1, "active": True, "language": "nl", "version": 1})
            students.append({"id": k + 1, "organisation_id": 1, "user_id": uid, "student_number": f"{k:06d}",
                             "programme_id": 1, "supervisor_id": 2 if k % 2 == 0 else 3,
                             "trainer_id": 4 if k % 5 == 0 else None, "cohort": str(2020 + k % 4),
                             "active": True, "version": 1})
            memberships.append({"student_id": k + 1, "group_id": 1})
            if k % 2:
                memberships.append({"student_id": k + 1, "group_id": 2})
        conn.execute(orm.users.insert(), users)
        conn.execute(orm.students.insert(), students)
        conn.execute(orm.student_groups.insert(), memberships)
        if engine.dialect.name == "postgresql":
            for table in ("users", "students", "participant_groups", "organisations", "programmes"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return {"n": n}


@contextlib.contextmanager
def counting(engine: sa.Engine):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def _statements_for_a_page(engine, n: int, actor: Actor) -> tuple[int, int]:
    populate(engine, n)
    query = SqlAlchemyStudentListQuery(engine)
    query.page(StudentScope(nothing=True), StudentListFilters(), "name", 1, 50)  # warm up the pool
    with counting(engine) as statements:
        page = list_students(query, actor, StudentListFilters(), sort="name", page=1, per_page=50)
        list_students(query, actor, StudentListFilters(group_id=1, q="voor"), sort="-programme", page=2, per_page=2)
        query.all_rows(StudentScope(), StudentListFilters(), "name")
    assert len(page.rows) == min(50, n)
    return len(statements), page.total


@pytest.mark.parametrize("n", [10, 500])
def test_the_list_runs_a_fixed_number_of_statements(engine, n):
    count, total = _statements_for_a_page(engine, n, ADMIN)
    assert total == n
    # count + page + groups for each page, page + groups for the export.
    assert count == 8


def test_a_supervisor_page_also_runs_a_fixed_number_of_statements(engine):
    supervisor = Actor(user_id=2, role=Role.SUPERVISOR, organisation_id=1)
    count, total = _statements_for_a_page(engine, 500, supervisor)
    assert total == 250 and count == 8


def test_rows_carry_names_groups_and_staff(engine):
    populate(engine, 6)
    query = SqlAlchemyStudentListQuery(engine)
    page = query.page(StudentScope(), StudentListFilters(q="000001"), "name", 1, 10)
    (row,) = page.rows
    assert row.student_number == "000001" and row.display_name == "Voor1 Achter00001"
    assert row.groups == ("Klas A", "Klas B")
    assert row.supervisor_name == "Britt Dam" and row.trainer_name is None
    assert row.programme_name == "Verzorgende-IG"


def test_the_scope_limits_what_is_seen(engine):
    populate(engine, 10)
    query = SqlAlchemyStudentListQuery(engine)
    trainer = StudentScope(organisation_id=1, linked_user_id=4)
    assert query.page(trainer, StudentListFilters(), "number", 1, 50).total == 2  # students 0 and 5
    assert query.page(StudentScope(own_user_id=100), StudentListFilters(), "name", 1, 50).total == 1
    assert query.page(StudentScope(nothing=True), StudentListFilters(), "name", 1, 50).total == 0
    assert query.page(StudentScope(organisation_id=2), StudentListFilters(), "name", 1, 50).total == 0


def test_ids_among_drop_students_outside_the_scope(engine):
    populate(engine, 10)
    query = SqlAlchemyStudentListQuery(engine)
    scope = StudentScope(organisation_id=1, linked_user_id=2)  # even student numbers: ids 1, 3, 5...
    assert query.ids(scope, StudentListFilters(active=None), among=[1, 2, 3, 4]) == [1, 3]


def test_bulk_add_of_all_matching_students_is_one_unit_of_work(engine, uow_factory):
    populate(engine, 1200)  # more than one chunk of bound parameters
    query = SqlAlchemyStudentListQuery(engine)
    result = bulk_add_to_group(
        uow_factory(), query, ADMIN, 2, BulkSelection(all_matching=True, filters=StudentListFilters())
    )
    assert result.changed == 600 and result.unchanged == 600
    with engine.connect() as conn:
        members = conn.execute(
            sa.select(sa.func.count()).select_from(orm.student_groups).where(orm.student_groups.c.group_id == 2)
        ).scalar_one()
    assert members == 1200


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_list_page_asks_the_same_number_of_queries_for_10_and_500_students(tmp_path, database):
    counts = []
    for n in (10, 500):
        app = build_test_app(tmp_path / str(n), pg_url() if database == "postgres" else None)
        engine = app.extensions["container"].engine()
        populate(engine, n)
        hasher = app.extensions["container"].hasher()
        with engine.begin() as conn:
            conn.execute(orm.users.update().where(orm.users.c.id == 1).values(password_hash=hasher.hash("demo1234")))
        client = app.test_client()
        assert login(client, "admin@t.nl").status_code == 302
        client.get("/portfolios")
        with counting(engine) as statements:
            response = client.get("/portfolios?sort=name")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("<tr data-student=") == min(50, n)
        counts.append(len(statements))
        engine.dispose()
    assert counts[0] == counts[1], counts
