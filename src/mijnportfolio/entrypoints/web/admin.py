"""Admin screens: organisations and staff users (beheer)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from mijnportfolio.application import organisations as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound
from mijnportfolio.domain.organisations import ROLE_LABELS, STAFF_ROLES

from .support import actor, admin_required, container, external_url, page_args

bp = Blueprint("admin", __name__, url_prefix="/beheer")

ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in STAFF_ROLES]
ACTIVE_CHOICES = [("1", "Actief"), ("0", "Gedeactiveerd")]


# --- Forms ---


class OrganisationForm(FlaskForm):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=200)])
    examiners_may_plan = BooleanField("Examinatoren mogen examens inplannen")
    version = HiddenField()


class UserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in.")])
    first_name = StringField("Voornaam", validators=[Optional(), Length(max=100)])
    infix = StringField("Tussenvoegsel", validators=[Optional(), Length(max=50)])
    last_name = StringField("Achternaam", validators=[DataRequired("Vul de achternaam in."), Length(max=150)])
    # No preselected role: a forgotten choice must not create an admin.
    role = SelectField(
        "Rol", choices=[SelectChoice("", "— kies een rol —")] + [SelectChoice(v, t) for v, t in ROLE_CHOICES],
        validate_choice=False,
    )
    organisation_id = SelectField("Organisatie", choices=[], validate_choice=False)
    version = HiddenField()


class NewUserForm(UserForm):
    password = PasswordField("Wachtwoord", validators=[Optional()])


class EditUserForm(UserForm):
    active = BooleanField("Actief (kan inloggen)")


def _queries():
    return container().staff_user_queries()


def _show_error(form: FlaskForm, exc: DomainError) -> None:
    """Put a rule's message next to its field, or at the top of the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "danger")


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _organisation_options() -> list[tuple[int, str]]:
    return use_cases.organisation_choices(container().uow(), actor())


# --- Organisations ---


@bp.route("/organisaties")
@admin_required
def organisations():
    page, per_page = page_args()
    sort = request.args.get("sort", "name")
    result = use_cases.list_organisations_page(_queries(), actor(), sort, page, per_page)
    return render_template("admin/organisations.html", result=result, sort=sort)


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@admin_required
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        data = use_cases.OrganisationData(form.name.data, form.examiners_may_plan.data)
        try:
            use_cases.create_organisation(container().uow(), actor(), data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            flash(f"Organisatie '{data.name.strip()}' is toegevoegd.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=None)


@bp.route("/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
@admin_required
def organisation_edit(organisation_id: int):
    organisation = use_cases.get_organisation(container().uow(), actor(), organisation_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if form.validate_on_submit():
        data = use_cases.OrganisationData(form.name.data, form.examiners_may_plan.data)
        try:
            use_cases.update_organisation(
                container().uow(), actor(), organisation_id, data, expected_version=_int_or_none(form.version.data)
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            flash(f"Organisatie '{data.name.strip()}' is opgeslagen.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


# --- Staff users ---


def _filters() -> use_cases.UserListFilter:
    page, per_page = page_args()
    active = request.args.get("active")
    return use_cases.UserListFilter(
        search=request.args.get("q") or None,
        role=request.args.get("role") or None,
        organisation_id=_int_or_none(request.args.get("organisation")),
        active=None if active not in ("0", "1") else active == "1",
        sort=request.args.get("sort", "name"),
        page=page,
        per_page=per_page,
    )


@bp.route("/gebruikers")
@admin_required
def users():
    filters = _filters()
    result = use_cases.list_staff_users(_queries(), actor(), filters)
    return render_template(
        "admin/users.html",
        result=result,
        sort=filters.sort,
        args=request.args,
        role_choices=ROLE_CHOICES,
        organisation_choices=_organisation_options(),
        active_choices=ACTIVE_CHOICES,
    )


def _prepare_user_form(form: UserForm) -> None:
    form.organisation_id.choices = [SelectChoice("", "Geen (alleen voor beheerders)")] + [
        SelectChoice(str(i), name) for i, name in _organisation_options()
    ]


def _staff_data(form: UserForm, *, active: bool = True) -> use_cases.StaffData:
    return use_cases.StaffData(
        email=form.email.data or "",
        role=form.role.data or "",
        first_name=form.first_name.data,
        infix=form.infix.data,
        last_name=form.last_name.data or "",
        organisation_id=_int_or_none(form.organisation_id.data),
        active=active,
    )


def _back_to_list() -> str:
    """Back to the list with the filters the admin came from (they persist)."""
    target = request.args.get("next")
    if target and target.startswith("/beheer/gebruikers") and not target.startswith("//"):
        return target
    return url_for("admin.users")


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@admin_required
def user_new():
    form = NewUserForm()
    _prepare_user_form(form)
    if request.method == "GET" and request.args.get("organisation"):
        form.organisation_id.data = request.args["organisation"]
    if form.validate_on_submit():
        c = container()
        try:
            use_cases.create_staff_user(
                c.uow(), actor(), c.clock(), c.hasher(), _staff_data(form),
                password=form.password.data or None,
                invitation_url=lambda token: external_url("auth.reset_password", token=token),
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            email = (form.email.data or "").strip().lower()
            if form.password.data:
                flash(f"Gebruiker {email} is toegevoegd en kan nu inloggen.", "success")
            else:
                flash(f"Gebruiker {email} is toegevoegd en krijgt een uitnodiging per e-mail.", "success")
            return redirect(_back_to_list())
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/gebruikers/<int:user_id>/bewerken", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    c = container()
    user = use_cases.get_staff_user(c.uow(), actor(), user_id)
    form = EditUserForm(obj=user if request.method == "GET" else None)
    _prepare_user_form(form)
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id or "")
    if form.validate_on_submit():
        try:
            use_cases.update_staff_user(
                c.uow(), actor(), user_id, _staff_data(form, active=form.active.data),
                expected_version=_int_or_none(form.version.data),
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            flash(f"Gebruiker {(form.email.data or '').strip().lower()} is opgeslagen.", "success")
            return redirect(_back_to_list())
    return render_template("admin/user_form.html", form=form, user=user)


def _post_action(action) -> object:
    # CSRFProtect has checked the token of these POST-only routes already.
    try:
        action()
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
    return redirect(_back_to_list())


@bp.route("/gebruikers/<int:user_id>/deactiveren", methods=["POST"])
@admin_required
def user_deactivate(user_id: int):
    def act():
        name = use_cases.set_staff_active(container().uow(), actor(), user_id, False)
        flash(f"{name} is gedeactiveerd en kan niet meer inloggen.", "success")

    return _post_action(act)


@bp.route("/gebruikers/<int:user_id>/activeren", methods=["POST"])
@admin_required
def user_activate(user_id: int):
    def act():
        name = use_cases.set_staff_active(container().uow(), actor(), user_id, True)
        flash(f"{name} is weer actief.", "success")

    return _post_action(act)


@bp.route("/gebruikers/<int:user_id>/wachtwoord-resetten", methods=["POST"])
@admin_required
def user_reset_password(user_id: int):
    def act():
        c = container()
        email = use_cases.admin_reset_password(
            c.uow(), actor(), c.clock(), user_id, lambda token: external_url("auth.reset_password", token=token)
        )
        flash(f"Er is een e-mail met een link om het wachtwoord opnieuw in te stellen verstuurd naar {email}.", "success")

    return _post_action(act)
