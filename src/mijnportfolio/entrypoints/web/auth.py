"""Login, logout, password reset and invitation links."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from mijnportfolio.application import auth as use_cases
from mijnportfolio.domain.errors import DomainError, InvalidCredentials
from mijnportfolio.domain.organisations import Role

from .extensions import limiter
from .support import SessionUser, container, external_url, landing_endpoint

bp = Blueprint("auth", __name__)


# The labels are Dutch msgids: the Dutch UI shows them exactly ("E-mailadres", "Wachtwoord"),
# the English catalogue translates them.
class LoginForm(FlaskForm):
    email = StringField(_l("E-mailadres"), validators=[DataRequired(_l("Vul je e-mailadres in."))])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul je e-mailadres in."))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Vul een wachtwoord in.")),
            Length(min=8, message=_l("Het wachtwoord moet minstens 8 tekens lang zijn.")),
        ],
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))],
    )


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _login_limit() -> str:
    return current_app.config["MIJNPORTFOLIO_SETTINGS"].login_rate_limit


def _login_ip_limit() -> str:
    return current_app.config["MIJNPORTFOLIO_SETTINGS"].login_ip_rate_limit


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user.role)))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        c = container()
        try:
            user = use_cases.authenticate(c.uow(), c.hasher(), c.clock(), form.email.data, form.password.data)
        except InvalidCredentials:
            # One message for unknown, wrong and inactive: it never tells whether an account exists.
            error = _("Onjuist e-mailadres of wachtwoord.")
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            if lang:
                session["lang"] = lang
            login_user(SessionUser(user))
            target = request.args.get("next")
            if not target or not target.startswith("/") or target.startswith("//"):
                target = url_for(landing_endpoint(Role(user.role)))
            return redirect(target)
    elif request.method == "POST" and not form.errors.get("csrf_token"):
        error = _("Vul je e-mailadres en wachtwoord in.")
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        c = container()
        use_cases.request_password_reset(
            c.uow(), c.clock(), form.email.data,
            lambda token: external_url("auth.reset_password", token=token),
        )
        # The same answer whether or not the account exists.
        flash(
            _(
                "Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een e-mail "
                "met een link om je wachtwoord opnieuw in te stellen."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def reset_password(token: str):
    c = container()
    if not use_cases.token_is_usable(c.uow(), c.clock(), token):
        return render_template("auth/token_invalid.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            use_cases.set_password_with_token(c.uow(), c.hasher(), c.clock(), token, form.password.data)
        except DomainError as exc:
            flash(exc.message, "danger")
        else:
            flash(_("Je wachtwoord is opgeslagen. Je kunt nu inloggen."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
