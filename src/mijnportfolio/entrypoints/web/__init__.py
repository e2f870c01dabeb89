"""The Flask app factory (``create_app``) and everything that makes a request work."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, g, render_template, request, session
from flask_babel import Babel
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from mijnportfolio.application.auth import load_session_user
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from ..config import Settings, settings_from_env
from ..container import build_container, prepare
from .extensions import limiter
from .impersonation import install_guard as install_look_along_guard
from .support import SessionUser, container
from .views import MAX_ID

HERE = Path(__file__).parent
LANGUAGES = ("nl", "en")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings | None = None, *, container_overrides: dict | None = None) -> Flask:
    """Build the web app from ``settings`` (default: the environment)."""
    settings = settings or settings_from_env()
    app = Flask(__name__, instance_path=settings.instance_path or None, instance_relative_config=False)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=60 * 60 * 10,
        WTF_CSRF_ENABLED=settings.wtf_csrf_enabled,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # Attachments are at most 20 MB, imports 10 MB (each checked by its own use case); the rest is form overhead.
        MAX_CONTENT_LENGTH=21 * 1024 * 1024,
        BOOTSTRAP_SERVE_LOCAL=True,
        BOOTSTRAP_BOOTSTRAP_VERSION="5.3.8",
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_DEFAULT_TIMEZONE="Europe/Amsterdam",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_HEADERS_ENABLED=True,
        MIJNPORTFOLIO_SETTINGS=settings,
    )
    c = build_container(settings)
    for name, provider in (container_overrides or {}).items():
        getattr(c, name).override(provider)
    app.extensions["container"] = c
    prepare(c)

    install_look_along_guard(app)  # read-only while looking along; before the CSRF check, so it refuses first
    CSRFProtect(app)
    Bootstrap5(app)
    limiter.init_app(app)
    Babel(app, locale_selector=_select_locale)
    _init_login(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_template_helpers(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if settings.is_production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if current_user and getattr(current_user, "is_authenticated", False):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in LANGUAGES:
        return current_user.language
    return "nl"


def _init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Log in om deze pagina te bekijken.")
    manager.login_message_category = "info"
    manager.localize_callback = str  # resolves the lazy message in the request's language
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(user_id: str):
        try:
            found = load_session_user(container().uow(), int(user_id))
        except (TypeError, ValueError):
            return None
        return SessionUser(found) if found else None


def _register_blueprints(app: Flask) -> None:
    from . import (
        account, admin, auth, catalogue, examination, faq, groups, impersonation, imports, main, messages,
        portal, questionnaires, students,
    )

    for module in (
        auth, main, admin, catalogue, students, groups, imports, faq, examination,
        account, impersonation, portal, messages, questionnaires,
    ):
        app.register_blueprint(module.bp)

    @app.before_request
    def ids_in_range():
        """An id in a URL beyond what the database stores is a record that does not exist."""
        if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in (request.view_args or {}).values()):
            abort(404)


def _register_error_handlers(app: Flask) -> None:
    def page(status: int, title: str, text: str):
        return render_template("errors/error.html", status=status, title=title, text=text), status

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(error):
        text = error.message if isinstance(error, DomainError) else _("Deze pagina bestaat niet (meer).")
        return page(404, _("Niet gevonden"), text)

    @app.errorhandler(PermissionDenied)
    @app.errorhandler(403)
    def forbidden(error):
        text = error.message if isinstance(error, DomainError) else _("Je hebt geen toegang tot deze pagina.")
        return page(403, _("Geen toegang"), text)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(
            400,
            _("Formulier verlopen"),
            _("Het formulier is verlopen of niet compleet verstuurd. Laad de pagina opnieuw en probeer het nog eens."),
        )

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Ongeldig verzoek"), _("Het verzoek kon niet worden verwerkt. Controleer de invoer."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, _("Niet toegestaan"), _("Deze actie is op deze pagina niet mogelijk."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("Bestand te groot"), _("Het bestand is te groot. Een import mag hoogstens 10 MB zijn, een bijlage hoogstens 20 MB."))

    @app.errorhandler(429)
    def too_many(error):
        return page(
            429,
            _("Te veel pogingen"),
            _("Te veel pogingen in korte tijd. Wacht een minuut en probeer het dan opnieuw."),
        )

    @app.errorhandler(500)
    def server_error(error):
        return page(
            500,
            _("Er ging iets mis"),
            _("Er ging aan onze kant iets mis. Er is niets half opgeslagen; probeer het later opnieuw."),
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # Use cases raise these for rules; pages normally catch them to show them by the form.
        return page(400, _("Niet mogelijk"), error.message)


def _register_template_helpers(app: Flask) -> None:
    from . import support

    app.jinja_env.globals.update(
        nav_items=support.nav_items,
        url_with=support.url_with,
        role_label=support.role_label,
        icon_sprite=support.icon_sprite,
        look_along=support.look_along,
    )
    app.jinja_env.filters["nl_datetime"] = support.format_datetime
    app.jinja_env.filters["nl_date"] = support.format_date

    @app.before_request
    def remember_language_choice():
        lang = request.args.get("lang")
        if lang in LANGUAGES:
            session["lang"] = lang
        g.settings = app.config["MIJNPORTFOLIO_SETTINGS"]
