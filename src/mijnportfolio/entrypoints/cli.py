"""The ``mijnportfolio`` command line (a Flask CLI group)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup

from mijnportfolio.adapters import migrate
from mijnportfolio.application.mail import send_outbox
from mijnportfolio.application.organisations import create_admin
from mijnportfolio.domain.errors import DomainError

from .config import ConfigurationError


def _create_app():
    from .web import create_app

    try:
        return create_app()
    except ConfigurationError as exc:
        click.echo(f"Configuratiefout: {exc}", err=True)
        sys.exit(2)


def _container():
    return current_app.extensions["container"]


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, add_version_option=False)
def main() -> None:
    """MijnPortfolio: the exam platform. Configure with environment variables or .env."""


db = AppGroup("db", help="Database schema.")
main.add_command(db)


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date (Alembic)."""
    engine = _container().engine()
    migrate.upgrade(engine, revision)
    click.echo(f"Database bijgewerkt tot {migrate.current_revision(engine)}.")


@db.command("is-empty")
def db_is_empty() -> None:
    """Exit 0 when the database holds no users yet (used by `make run` to seed a new install)."""
    sys.exit(0 if migrate.is_empty(_container().engine()) else 1)


@main.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True)
def create_admin_command(email: str, password: str) -> None:
    """Create an admin (or reset an existing user to admin with this password)."""
    c = _container()
    try:
        create_admin(c.uow(), c.clock(), c.hasher(), email, password)
    except DomainError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"Beheerder {email.strip().lower()} is klaar om in te loggen.")


@main.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo data (organisation "Demo ROC" and its accounts). Refused in production."""
    from mijnportfolio.application.demo import DemoRefused, seed_demo

    settings = current_app.config["MIJNPORTFOLIO_SETTINGS"]
    c = _container()
    try:
        report = seed_demo(c.uow, c.clock(), c.hasher(), production=settings.is_production)
    except DemoRefused as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(report)


@main.command("seed-bench")
@click.option("--students", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--programmes", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--exams", type=click.IntRange(min=1), default=12, show_default=True, help="Exams per programme.")
@click.option("--parts", type=click.IntRange(min=1), default=3, show_default=True, help="Parts per exam.")
@click.option("--seed", type=int, default=1, show_default=True)
def seed_bench_command(students: int, programmes: int, exams: int, parts: int, seed: int) -> None:
    """Load a large benchmark organisation ("Bench ROC", password bench1234). Refused in production."""
    from mijnportfolio.adapters.bench_seed import BENCH_PASSWORD, BenchSeedRefused, seed_bench

    settings = current_app.config["MIJNPORTFOLIO_SETTINGS"]
    if settings.is_production:
        click.echo("seed-bench is geweigerd: MIJNPORTFOLIO_ENV=production.", err=True)
        sys.exit(2)
    c = _container()
    try:
        report = seed_bench(c.engine(), c.hasher().hash(BENCH_PASSWORD), c.clock().now(), students=students,
                            programmes=programmes, exams=exams, parts=parts, seed=seed, production=settings.is_production)
    except BenchSeedRefused as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(report.summary_line())


outbox = AppGroup("outbox", help="Queued e-mail.")
main.add_command(outbox)


@outbox.command("send")
@click.option("--batch", default=100, show_default=True)
def outbox_send(batch: int) -> None:
    """Deliver queued e-mail; failures stay queued and are retried later with back-off."""
    c = _container()
    report = send_outbox(c.uow, c.mailer(), c.clock(), batch=batch)
    click.echo(f"sent={report.sent} failed={report.failed} pending={report.pending}")
    sys.exit(1 if report.failed else 0)


def _register_optional_commands() -> None:
    """Commands of modules that register themselves (import-students, ...)."""
    from . import cli_imports  # noqa: F401


_register_optional_commands()
