"""CLI commands of the import module: ``import-students`` (product.md section 6) and ``import-cleanup``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from mijnportfolio.application.imports import command_line, wizard
from mijnportfolio.domain.errors import DomainError
from mijnportfolio.domain.imports import MAX_FILE_BYTES
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor

from .cli import main

# The command line is run by the operator of the installation: it acts with admin rights.
OPERATOR = Actor(user_id=0, role=Role.ADMIN)


def _container():
    return current_app.extensions["container"]


@main.command("import-students")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation", required=True, help="Name of the organisation.")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Map a field (e.g. student_number, email, programme) to a column header.")
@click.option("--update-existing", is_flag=True, help="Update students whose number already exists (default: skip).")
@click.option("--dry-run", is_flag=True, help="Check and report, store nothing.")
def import_students_command(file: Path, organisation: str, mappings: tuple[str, ...], update_existing: bool, dry_run: bool) -> None:
    """Import students from a CSV or XLSX file, as the web wizard does.

    Rows whose programme, supervisor or trainer matches no or several records are refused.
    Groups that do not exist yet are created (the wizard asks first).

    Prints `created=N updated=N skipped=N errors=N`, then `row N: reason (where)` per refused
    row: N counts data rows from 1; in brackets the row as the spreadsheet shows it (header
    included), the student number and the name. Exit status 0 when the file could be read, 2
    when it was refused as a whole."""
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise DomainError("Het bestand is te groot. Een bestand mag hoogstens 10 MB zijn.")
        data = file.read_bytes()
    except OSError as exc:
        click.echo(f"Fout: het bestand kan niet worden gelezen ({exc.strerror or exc}).", err=True)
        sys.exit(2)
    except DomainError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(2)
    c = _container()
    try:
        result = command_line.import_file(
            c.uow(), OPERATOR, c.clock(), c.tabular_reader(),
            organisation_name=organisation, filename=file.name, data=data, overrides=mappings,
            update_existing=update_existing, dry_run=dry_run,
        )
    except DomainError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(2)
    click.echo(result.summary_line())
    for error in result.errors:
        click.echo(command_line.refused_row_line(error))
    if dry_run:
        click.echo("Proefdraai (--dry-run): er is niets opgeslagen.", err=True)
    sys.exit(0)


@main.command("import-cleanup")
def import_cleanup_command() -> None:
    """Remove import wizard runs (and their uploaded files) untouched for 24 hours."""
    c = _container()
    removed = wizard.cleanup_sessions(c.uow(), c.clock(), c.file_store())
    click.echo(f"removed={removed}")
