"""Admin screens: organisations and staff users (beheer)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
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
from mijnportfolio.domain.organisations import ROLE_LABELS, STAFF_ROLES
from mijnportfolio.domain.permissions import Permission

from .support import actor, container, external_url, page_args, permission_required
from .views import Required, form_page, int_or_none, local_target, post_action

bp = Blueprint("admin", __name__, url_prefix="/beheer")

organisation_managers = permission_required(Permission.MANAGE_ORGANISATIONS)
staff_managers = permission_required(Permission.MANAGE_STAFF)

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
        validators=[Required()], validate_choice=False,
    )
    organisation_id = SelectField("Organisatie", choices=[], validate_choice=False)
    version = HiddenField()


class NewUserForm(UserForm):
    password = PasswordField("Wachtwoord", validators=[Optional()])


class EditUserForm(UserForm):
    active = BooleanField("Actief (kan inloggen)")


def _queries():
    return container().staff_user_queries()


def _organisation_options() -> list[tuple[int, str]]:
    return use_cases.organisation_choices(container().uow(), actor())


# --- Organisations ---


@bp.route("/organisaties")
@organisation_managers
def organisations():
    page, per_page = page_args()
    sort = request.args.get("sort", "name")
    result = use_cases.list_organisations_page(_queries(), actor(), sort, page, per_page)
    return render_template("admin/organisations.html", result=result, sort=sort)


def _organisation_data(form: OrganisationForm) -> use_cases.OrganisationData:
    return use_cases.OrganisationData(form.name.data or "", bool(form.examiners_may_plan.data))


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@organisation_managers
def organisation_new():
    form = OrganisationForm()

    def save() -> str:
        use_cases.create_organisation(container().uow(), actor(), _organisation_data(form))
        return url_for("admin.organisations")

    return form_page(
        form, save, template="admin/organisation_form.html", invalid_status=200,
        success=lambda: f"Organisatie '{(form.name.data or '').strip()}' is toegevoegd.", organisation=None,
    )


@bp.route("/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
@organisation_managers
def organisation_edit(organisation_id: int):
    organisation = use_cases.get_organisation(container().uow(), actor(), organisation_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)

    def save() -> str:
        use_cases.update_organisation(
            container().uow(), actor(), organisation_id, _organisation_data(form),
            expected_version=int_or_none(form.version.data),
        )
        return url_for("admin.organisations")

    return form_page(
        form, save, template="admin/organisation_form.html", invalid_status=200,
        success=lambda: f"Organisatie '{(form.name.data or '').strip()}' is opgeslagen.", organisation=organisation,
    )


# --- Staff users ---


def _filters() -> use_cases.UserListFilter:
    page, per_page = page_args()
    active = request.args.get("active")
    return use_cases.UserListFilter(
        search=request.args.get("q") or None,
        role=request.args.get("role") or None,
        organisation_id=int_or_none(request.args.get("organisation")),
        active=None if active not in ("0", "1") else active == "1",
        sort=request.args.get("sort", "name"),
        page=page,
        per_page=per_page,
    )


@bp.route("/gebruikers")
@staff_managers
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


def _prepare_user_form(form: UserForm, *, new: bool = False) -> None:
    organisations = _organisation_options()
    form.organisation_id.choices = [SelectChoice("", "Geen (alleen voor beheerders)")] + [
        SelectChoice(str(i), name) for i, name in organisations
    ]
    if new and request.method == "GET" and len(organisations) == 1 and not form.organisation_id.data:
        # One organisation: every new staff member but an admin belongs to it.
        form.organisation_id.data = str(organisations[0][0])


def _staff_data(form: UserForm, *, active: bool = True) -> use_cases.StaffData:
    return use_cases.StaffData(
        email=form.email.data or "",
        role=form.role.data or "",
        first_name=form.first_name.data,
        infix=form.infix.data,
        last_name=form.last_name.data or "",
        organisation_id=int_or_none(form.organisation_id.data),
        active=active,
    )


def _users_list() -> str:
    """Back to the list with the filters the admin came from (they persist)."""
    target = local_target(request.args.get("next"), "")
    return target if target.startswith("/beheer/gebruikers") else url_for("admin.users")


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@staff_managers
def user_new():
    form = NewUserForm()
    if request.method == "GET" and request.args.get("organisation"):
        form.organisation_id.data = request.args["organisation"]
    _prepare_user_form(form, new=True)

    def save() -> str:
        c = container()
        use_cases.create_staff_user(
            c.uow(), actor(), c.clock(), c.hasher(), _staff_data(form),
            password=form.password.data or None,
            invitation_url=lambda token: external_url("auth.reset_password", token=token),
        )
        return _users_list()

    def saved() -> str:
        email = (form.email.data or "").strip().lower()
        if form.password.data:
            return f"Gebruiker {email} is toegevoegd en kan nu inloggen."
        return f"Gebruiker {email} is toegevoegd en krijgt een uitnodiging per e-mail."

    return form_page(
        form, save, template="admin/user_form.html", invalid_status=200, success=saved, user=None,
        cancel_url=_users_list(),
    )


@bp.route("/gebruikers/<int:user_id>/bewerken", methods=["GET", "POST"])
@staff_managers
def user_edit(user_id: int):
    c = container()
    user = use_cases.get_staff_user(c.uow(), actor(), user_id)
    form = EditUserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id or "")
    _prepare_user_form(form)

    def save() -> str:
        use_cases.update_staff_user(
            c.uow(), actor(), user_id, _staff_data(form, active=bool(form.active.data)),
            expected_version=int_or_none(form.version.data),
        )
        return _users_list()

    return form_page(
        form, save, template="admin/user_form.html", invalid_status=200,
        success=lambda: f"Gebruiker {(form.email.data or '').strip().lower()} is opgeslagen.", user=user,
        cancel_url=_users_list(),
    )


@bp.route("/gebruikers/<int:user_id>/deactiveren", methods=["POST"])
@staff_managers
def user_deactivate(user_id: int):
    def run() -> str:
        name = use_cases.set_staff_active(container().uow(), actor(), user_id, False)
        return f"{name} is gedeactiveerd en kan niet meer inloggen."

    return post_action(run, _users_list())


@bp.route("/gebruikers/<int:user_id>/activeren", methods=["POST"])
@staff_managers
def user_activate(user_id: int):
    def run() -> str:
        name = use_cases.set_staff_active(container().uow(), actor(), user_id, True)
        return f"{name} is weer actief."

    return post_action(run, _users_list())


@bp.route("/gebruikers/<int:user_id>/wachtwoord-resetten", methods=["POST"])
@staff_managers
def user_reset_password(user_id: int):
    def run() -> str:
        c = container()
        email = use_cases.admin_reset_password(
            c.uow(), actor(), c.clock(), user_id, lambda token: external_url("auth.reset_password", token=token)
        )
        return f"Er is een e-mail met een link om het wachtwoord opnieuw in te stellen verstuurd naar {email}."

    return post_action(run, _users_list())
