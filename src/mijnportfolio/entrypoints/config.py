"""Settings from the environment (and .env through python-dotenv), read only when asked."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import attrs


class ConfigurationError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def default_instance_path() -> Path:
    return Path(os.environ.get("MIJNPORTFOLIO_INSTANCE", Path.cwd() / "instance")).resolve()


@attrs.frozen
class Settings:
    env: str = "development"  # development | production | test
    database_url: str = ""
    secret_key: str = ""
    mail_backend: str = "console"  # smtp | console | memory
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "MijnPortfolio <noreply@mijnportfolio.local>"
    instance_path: str = ""
    ratelimit_storage_uri: str = "memory://"
    ratelimit_enabled: bool = True
    base_url: str | None = None  # for links in e-mail sent outside a request (CLI)
    wtf_csrf_enabled: bool = True
    login_rate_limit: str = "10 per minute"  # per account (e-mail address)
    login_ip_rate_limit: str = "30 per minute"  # per IP: a school behind one NAT address must still log in

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def upload_folder(self) -> str:
        return str(Path(self.instance_path) / "uploads")


def settings_from_env(environ: dict[str, str] | None = None, *, load_env_file: bool = True) -> Settings:
    """Build Settings from environment variables, after loading ``.env`` when present."""
    if load_env_file and environ is None:
        from dotenv import load_dotenv

        load_dotenv(Path.cwd() / ".env")
    env = dict(os.environ if environ is None else environ)
    mode = env.get("MIJNPORTFOLIO_ENV", "development").strip().lower() or "development"
    if mode not in {"development", "production", "test"}:
        raise ConfigurationError(
            f"MIJNPORTFOLIO_ENV='{mode}' is onbekend; gebruik development, production of test."
        )
    instance = Path(env.get("MIJNPORTFOLIO_INSTANCE") or default_instance_path())
    secret = env.get("SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise ConfigurationError(
                "SECRET_KEY is not set. In production MijnPortfolio refuses to start without it: "
                "set SECRET_KEY to a long random value (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        secret = _development_secret(instance)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'mijnportfolio.db'}"
    backend = (env.get("MAIL_BACKEND") or ("smtp" if mode == "production" else "console")).lower()
    if backend not in {"smtp", "console", "memory"}:
        raise ConfigurationError(f"MAIL_BACKEND='{backend}' is onbekend; gebruik smtp, console of memory.")
    try:
        smtp_port = int(env.get("SMTP_PORT") or 25)
    except ValueError:
        raise ConfigurationError("SMTP_PORT moet een getal zijn.") from None
    return Settings(
        env=mode,
        database_url=database_url,
        secret_key=secret,
        mail_backend=backend,
        smtp_host=env.get("SMTP_HOST") or "localhost",
        smtp_port=smtp_port,
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_bool(env.get("SMTP_STARTTLS")),
        mail_from=env.get("MAIL_FROM") or "MijnPortfolio <noreply@mijnportfolio.local>",
        instance_path=str(instance),
        ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI") or "memory://",
        base_url=env.get("BASE_URL") or None,
        login_rate_limit=env.get("LOGIN_RATE_LIMIT") or "10 per minute",
        login_ip_rate_limit=env.get("LOGIN_IP_RATE_LIMIT") or "30 per minute",
    )


def _development_secret(instance: Path) -> str:
    """Outside production, keep a generated key in instance/ so sessions survive restarts."""
    path = instance / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        instance.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        return key
    except OSError:
        return secrets.token_hex(32)
