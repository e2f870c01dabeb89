"""`mijnportfolio import-students` and `import-cleanup` (product.md section 6), and the import's
single transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.import_store import SqlAlchemyStudentImportStore
from mijnportfolio.adapters.tabular import CsvXlsxReader
from mijnportfolio.application.imports import command_line, wizard
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.entrypoints.cli import main
from tests.integration.imports_support import (
    AMBIGUOUS_ROW, GOOD_ROWS, REFUSED_ROW, ensure_import_data, semicolon_csv,
)

OPERATOR = Actor(user_id=0, role=Role.ADMIN)


@pytest.fixture
def cli_app(any_app):
    c = any_app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    any_app.ids = ensure_import_data(c.uow)
    return any_app


def run(app, *args):
    """Click >= 8.2 keeps stdout (``result.stdout``) apart from stderr; ``output`` has both."""
    return app.test_cli_runner().invoke(main, list(args))


def numbers(app, prefix="0001"):
    with app.extensions["container"].engine().connect() as conn:
        return sorted(conn.scalars(sa.select(orm.students.c.student_number).where(orm.students.c.student_number.like(prefix + "%"))))


def test_the_cli_imports_and_prints_the_summary_and_refused_rows(cli_app, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(semicolon_csv(*GOOD_ROWS, AMBIGUOUS_ROW, REFUSED_ROW))
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "created=2 updated=0 skipped=0 errors=2"
    assert lines[1] == (
        "row 3: Praktijkbegeleider 'Jan Smit' komt overeen met meerdere mogelijkheden. "
        "(rij 4 in het bestand, studentnummer 000125, Ans Jansen)"
    )
    assert lines[2].startswith("row 4: E-mailadres 'geen-mailadres' is geen geldig e-mailadres")
    assert lines[2].endswith(" (rij 5 in het bestand, studentnummer 000126, Piet Puk)")
    assert len(lines) == 3
    assert numbers(cli_app) == ["000123", "000124"]

    again = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert again.stdout.splitlines()[0] == "created=0 updated=0 skipped=2 errors=2"
    updated = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC", "--update-existing")
    assert updated.stdout.splitlines()[0] == "created=0 updated=2 skipped=0 errors=2"


def test_a_refused_row_is_named_by_its_spreadsheet_row_student_number_and_name(cli_app, tmp_path):
    # The header is on line 2, a quoted newline makes one record of two lines and a blank line
    # keeps its row: Fleur is data row 3 but row 5 of the sheet Excel shows.
    path = tmp_path / "eduarte.csv"
    path.write_bytes(
        "\r\nStamnr;Roepnaam;Tussenv.;Achternaam;E-mailadres;Opleiding;Mentor;Opmerking\r\n"
        '00121;Anna;;Aa;anna@example.nl;25491;begeleider@demo.nl;"twee\r\nregels"\r\n'
        "\r\n"
        "00123;Fleur;van der;Berg;;25491;begeleider@demo.nl;\r\n".encode()
    )
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "created=1 updated=0 skipped=0 errors=1",
        "row 3: E-mailadres ontbreekt. (rij 5 in het bestand, studentnummer 00123, Fleur van der Berg)",
    ]
    assert numbers(cli_app, "0012") == ["00121"]


def test_a_file_with_the_headers_of_a_student_administration_imports(cli_app, tmp_path):
    path = tmp_path / "magister.csv"
    path.write_text(
        "Stamnummer,Roepnaam,Tussenv.,Achternaam,E-mailadres,Opleiding,Mentor\n"
        "0004711,Sanne,van der,Berg,sanne@example.nl,25491,Bas de Begeleider\n",
        encoding="utf-8",
    )
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert result.stdout.splitlines() == ["created=1 updated=0 skipped=0 errors=0"], result.output
    with cli_app.extensions["container"].engine().connect() as conn:
        row = conn.execute(
            sa.select(orm.users.c.first_name, orm.users.c.infix, orm.students.c.supervisor_id)
            .join_from(orm.students, orm.users, orm.students.c.user_id == orm.users.c.id)
            .where(orm.students.c.student_number == "0004711")
        ).one()
    assert (row.first_name, row.infix, row.supervisor_id) == ("Sanne", "van der", cli_app.ids["begeleider@demo.nl"])


def test_a_dry_run_stores_nothing(cli_app, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(semicolon_csv(*GOOD_ROWS))
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["created=2 updated=0 skipped=0 errors=0"]
    assert numbers(cli_app) == []


def test_map_overrides_the_headers(cli_app, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Code,Familie,Post,Kwal,Coach\n0001234,Jansen,jans@example.nl,Verzorgende-IG,begeleider@demo.nl\n",
        encoding="utf-8",
    )
    missing = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert missing.exit_code == 2
    assert "Studentnummer" in missing.output
    result = run(
        cli_app, "import-students", str(path), "--organisation", "Demo ROC",
        "--map", "student_number=Code", "--map", "Achternaam=familie", "--map", "email=3",
        "--map", "programme=Kwal", "--map", "supervisor=Coach",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["created=1 updated=0 skipped=0 errors=0"]
    assert numbers(cli_app, "000123") == ["0001234"]


@pytest.mark.parametrize(
    "content, name",
    [(b"", "leeg.csv"), (b"\x00\x00\x00\x00binary", "x.csv"), (b"PK\x03\x04junk", "x.xlsx"),
     ("Voornaam;Achternaam\nJan;Jansen\n".encode(), "kolom-mist.csv")],
)
def test_a_refused_file_exits_2_and_imports_nothing(cli_app, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    before = numbers(cli_app, "")
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    assert result.exit_code == 2
    assert "created=" not in result.stdout
    assert numbers(cli_app, "") == before
    with cli_app.extensions["container"].engine().connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(orm.import_mappings)) == 0


def test_an_unknown_organisation_exits_2(cli_app, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(semicolon_csv(*GOOD_ROWS))
    result = run(cli_app, "import-students", str(path), "--organisation", "Bestaat Niet")
    assert result.exit_code == 2


def test_a_failure_halfway_leaves_the_database_unchanged(cli_app, tmp_path, monkeypatch):
    c = cli_app.extensions["container"]

    def count_all():
        with c.engine().connect() as conn:
            return [conn.scalar(sa.select(sa.func.count()).select_from(t))
                    for t in (orm.users, orm.students, orm.student_groups, orm.participant_groups, orm.import_mappings)]

    before = count_all()

    def explode(self, pairs):
        raise RuntimeError("disk full halfway")

    # Users, students and new groups are written; then the memberships fail.
    monkeypatch.setattr(SqlAlchemyStudentImportStore, "add_memberships", explode)
    with pytest.raises(RuntimeError):
        command_line.import_file(
            c.uow(), OPERATOR, c.clock(), CsvXlsxReader(), organisation_name="Demo ROC",
            filename="x.csv", data=semicolon_csv(*GOOD_ROWS),
        )
    assert count_all() == before


def test_ten_thousand_rows_go_in_as_bulk_statements(cli_app):
    c = cli_app.extensions["container"]
    rows = [
        f"{900000 + i};Voor{i};;Achter{i};s{i}@bulk.example;25491;begeleider@demo.nl;;Bulkgroep;2025"
        for i in range(2000)
    ]
    statements = []
    sa.event.listen(c.engine(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    result = command_line.import_file(
        c.uow(), OPERATOR, c.clock(), CsvXlsxReader(), organisation_name="Demo ROC",
        filename="bulk.csv", data=semicolon_csv(*rows),
    )
    assert result.created == 2000
    assert len(statements) < 100  # not one round trip per row


def test_import_cleanup_removes_old_runs_and_their_files(cli_app):
    c = cli_app.extensions["container"]
    admin_id = c.uow().__enter__().users.get_by_email("admin@demo.nl").id
    actor = Actor(user_id=admin_id, role=Role.ADMIN)
    session_id = wizard.start_import(
        c.uow(), actor, c.clock(), c.file_store(), CsvXlsxReader(),
        organisation_id=cli_app.ids["organisation"], filename="a.csv", data=semicolon_csv(*GOOD_ROWS),
    )
    with c.engine().begin() as conn:
        conn.execute(sa.update(orm.import_sessions).values(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    result = run(cli_app, "import-cleanup")
    assert result.exit_code == 0 and result.stdout.strip() == "removed=1"
    with c.engine().connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(orm.import_sessions)) == 0
    assert list(c.file_store().root.glob("*")) == []
    assert session_id


def test_update_keeps_what_the_file_leaves_empty(cli_app, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(semicolon_csv(GOOD_ROWS[0]))
    run(cli_app, "import-students", str(path), "--organisation", "Demo ROC")
    path.write_bytes(semicolon_csv("000123;;;Dijk-Jansen;zoe.nieuw@example.nl;Verzorgende-IG;begeleider@demo.nl;;;"))
    result = run(cli_app, "import-students", str(path), "--organisation", "Demo ROC", "--update-existing")
    assert result.stdout.splitlines()[0] == "created=0 updated=1 skipped=0 errors=0"
    with cli_app.extensions["container"].engine().connect() as conn:
        row = conn.execute(
            sa.select(orm.users.c.first_name, orm.users.c.infix, orm.users.c.last_name, orm.users.c.email,
                      orm.students.c.trainer_id, orm.students.c.cohort)
            .join_from(orm.students, orm.users, orm.students.c.user_id == orm.users.c.id)
            .where(orm.students.c.student_number == "000123")
        ).one()
    assert (row.first_name, row.infix, row.last_name, row.email) == ("Zoë", "van", "Dijk-Jansen", "zoe.nieuw@example.nl")
    assert row.trainer_id == cli_app.ids["opleider@demo.nl"] and row.cohort == "2025"
