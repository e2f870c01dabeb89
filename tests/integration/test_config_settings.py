"""Configuration from the environment, and what it switches (mail backend, demo refusal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mijnportfolio.adapters.mail import ConsoleMailer, MemoryMailer, SmtpMailer
from mijnportfolio.entrypoints.cli import main as cli
from mijnportfolio.entrypoints.config import ConfigurationError, settings_from_env
from mijnportfolio.entrypoints.container import build_container
from tests.helpers import build_test_app


def _settings(tmp_path: Path, **env: str):
    return settings_from_env({"MIJNPORTFOLIO_INSTANCE": str(tmp_path), **env}, load_env_file=False)


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        _settings(tmp_path, MIJNPORTFOLIO_ENV="production")


def test_production_with_a_secret_key_starts(tmp_path):
    settings = _settings(tmp_path, MIJNPORTFOLIO_ENV="production", SECRET_KEY="s3cret-value")
    assert settings.is_production
    assert settings.secret_key == "s3cret-value"


def test_outside_production_a_secret_key_is_generated_once_and_kept(tmp_path):
    first = _settings(tmp_path)
    second = _settings(tmp_path)
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").read_text().strip() == first.secret_key


def test_the_default_database_is_a_sqlite_file_under_instance(tmp_path):
    settings = _settings(tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'mijnportfolio.db'}"


def test_database_url_overrides_the_default(tmp_path):
    url = "postgresql+psycopg://user@db.example/mijnportfolio"
    assert _settings(tmp_path, DATABASE_URL=url).database_url == url


def test_an_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="MIJNPORTFOLIO_ENV"):
        _settings(tmp_path, MIJNPORTFOLIO_ENV="staging")


@pytest.mark.parametrize(
    "env, backend, mailer_class",
    [
        ({}, "console", ConsoleMailer),
        ({"MIJNPORTFOLIO_ENV": "production", "SECRET_KEY": "x" * 32}, "smtp", SmtpMailer),
        ({"MAIL_BACKEND": "memory"}, "memory", MemoryMailer),
        ({"MAIL_BACKEND": "SMTP"}, "smtp", SmtpMailer),
        ({"MIJNPORTFOLIO_ENV": "production", "SECRET_KEY": "x" * 32, "MAIL_BACKEND": "console"}, "console", ConsoleMailer),
    ],
)
def test_mail_backend_selects_the_mailer(tmp_path, env, backend, mailer_class):
    settings = _settings(tmp_path, **env)
    assert settings.mail_backend == backend
    assert isinstance(build_container(settings).mailer(), mailer_class)


def test_an_unknown_mail_backend_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="MAIL_BACKEND"):
        _settings(tmp_path, MAIL_BACKEND="pigeon")


def test_smtp_settings_are_read_and_passed_to_the_mailer(tmp_path):
    settings = _settings(
        tmp_path, MAIL_BACKEND="smtp", SMTP_HOST="mail.school.nl", SMTP_PORT="587", SMTP_USERNAME="mp",
        SMTP_PASSWORD="geheim", SMTP_STARTTLS="true", MAIL_FROM="Examenbureau <examens@school.nl>",
    )
    mailer = build_container(settings).mailer()
    assert (mailer.host, mailer.port, mailer.username, mailer.password, mailer.starttls, mailer.sender) == (
        "mail.school.nl", 587, "mp", "geheim", True, "Examenbureau <examens@school.nl>",
    )


def test_a_non_numeric_smtp_port_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="SMTP_PORT"):
        _settings(tmp_path, SMTP_PORT="vijfentwintig")


def test_the_login_rate_limits_are_configurable(tmp_path):
    settings = _settings(tmp_path, LOGIN_IP_RATE_LIMIT="100 per minute", LOGIN_RATE_LIMIT="5 per minute")
    assert (settings.login_ip_rate_limit, settings.login_rate_limit) == ("100 per minute", "5 per minute")
    defaults = _settings(tmp_path)
    assert (defaults.login_ip_rate_limit, defaults.login_rate_limit) == ("30 per minute", "10 per minute")


def test_seed_demo_is_refused_in_production(tmp_path):
    app = build_test_app(tmp_path, env="production")
    result = app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 2
    assert "geweigerd" in result.output
    with app.extensions["container"].uow() as uow:
        assert uow.users.get_by_email("admin@demo.nl") is None
        assert uow.organisations.list() == []
    app.extensions["container"].engine().dispose()


def test_the_console_script_refuses_seed_demo_when_the_environment_says_production(tmp_path, monkeypatch):
    monkeypatch.setenv("MIJNPORTFOLIO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("MIJNPORTFOLIO_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.chdir(tmp_path)  # no stray .env of the developer
    result = CliRunner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 2
    assert "MIJNPORTFOLIO_ENV=production" in result.output


def test_the_console_script_explains_a_missing_secret_key_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("MIJNPORTFOLIO_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MIJNPORTFOLIO_INSTANCE", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["outbox", "send"])
    assert result.exit_code == 2
    assert "SECRET_KEY" in result.output
