"""'Mijn account': every user changes their own password; staff also their name and phone."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField

from mijnportfolio.application import account as use_cases
from mijnportfolio.domain.errors import DomainError

from .extensions import limiter
from .support import actor, container, look_along
from .views import EXPIRED, NOT_SAVED, Required, int_or_none, show_domain_error

bp = Blueprint("account", __name__)


class ContactForm(FlaskForm):
    first_name = StringField("Voornaam", render_kw={"autocomplete": "given-name"})
    infix = StringField("Tussenvoegsel")
    last_name = StringField("Achternaam", validators=[Required()], render_kw={"autocomplete": "family-name"})
    phone = StringField("Telefoonnummer", render_kw={"type": "tel", "autocomplete": "tel"})
    version = HiddenField()
    submit = SubmitField("Gegevens opslaan")


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Huidig wachtwoord", validators=[Required()], render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        "Nieuw wachtwoord", validators=[Required()], render_kw={"autocomplete": "new-password", "minlength": 8}
    )
    confirm_password = PasswordField(
        "Herhaal het nieuwe wachtwoord", validators=[Required()], render_kw={"autocomplete": "new-password"}
    )
    submit = SubmitField("Wachtwoord wijzigen")


def _page(
    contact: ContactForm | None = None,
    password: PasswordForm | None = None,
    *,
    contact_error: str | None = None,
    password_error: str | None = None,
    status: int = 200,
):
    account = use_cases.my_account(container().uow(), actor())
    if contact is None and not account.is_student:
        contact = ContactForm(
            formdata=None, first_name=account.first_name, infix=account.infix, last_name=account.last_name,
            phone=account.phone, version=str(account.version),
        )
    return render_template(
        "account/index.html", account=account, contact=None if account.is_student else contact,
        password=password or PasswordForm(formdata=None), contact_error=contact_error,
        password_error=password_error, looking_along=look_along() is not None,
    ), status


def _password_limit() -> str:
    # Guessing someone's current password on an unattended, logged-in screen is slow work.
    return current_app.config["MIJNPORTFOLIO_SETTINGS"].login_rate_limit


def _password_key() -> str:
    return f"password-change:{actor().user_id}"


@bp.route("/account")
@login_required
def index():
    return _page()


@bp.route("/account/gegevens", methods=["POST"])
@login_required
def save_contact():
    form = ContactForm()
    if not form.validate_on_submit():
        return _page(form, contact_error=EXPIRED if "csrf_token" in form.errors else NOT_SAVED, status=422)
    try:
        use_cases.update_my_contact_details(
            container().uow(), actor(),
            use_cases.ContactData(
                first_name=form.first_name.data, infix=form.infix.data, last_name=form.last_name.data,
                phone=form.phone.data,
            ),
            expected_version=int_or_none(form.version.data),
        )
    except DomainError as exc:
        return _page(form, contact_error=show_domain_error(form, exc), status=422)
    flash("Je gegevens zijn opgeslagen.", "success")
    return redirect(url_for("account.index"))


@bp.route("/account/wachtwoord", methods=["POST"])
@login_required
@limiter.limit(_password_limit, key_func=_password_key)
def change_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(password=form, password_error=EXPIRED if "csrf_token" in form.errors else NOT_SAVED, status=422)
    c = container()
    try:
        use_cases.change_my_password(
            c.uow(), c.hasher(), c.clock(), actor(),
            form.current_password.data or "", form.new_password.data or "", form.confirm_password.data or "",
        )
    except DomainError as exc:
        return _page(password=form, password_error=show_domain_error(form, exc), status=422)
    flash("Je wachtwoord is gewijzigd. Je ontvangt hierover een e-mail.", "success")
    return redirect(url_for("account.index"))
