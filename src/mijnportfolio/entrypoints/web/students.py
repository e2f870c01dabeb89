"""Students: the lists "Portfolio's" and "Mijn Portfolio", the portfolio page and the student form."""

from __future__ import annotations

from typing import Mapping

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField

from mijnportfolio.adapters.export_students import students_csv, students_xlsx
from mijnportfolio.application import student_list
from mijnportfolio.application import students as use_cases
from mijnportfolio.application.groups import ACTION_LABELS
from mijnportfolio.application.ports.students import (
    StudentFormOptions,
    StudentListFilters,
)
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Permission, is_allowed

from .forms import ConfirmForm
from .support import (
    actor,
    admin_required,
    container,
    external_url,
    page_args,
    remembered_list_state,
)

bp = Blueprint("students", __name__)

# "Log in als deze student" (meekijken) arrives with its own issue; the icon appears once this
# endpoint exists, taking the student id.
IMPERSONATE_ENDPOINT = "impersonation.start"
STATUS_CHOICES = (("actief", "Actief"), ("inactief", "Gedeactiveerd"), ("alle", "Alle"))


def list_query():
    return container().student_list_query()


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def filters_from(source: Mapping) -> StudentListFilters:
    """The list filters from a query string (GET) or a form (the bulk action carries them along).

    Only admins can choose to see deactivated students; everyone else sees active ones."""
    active: bool | None = True
    if current_user.is_admin:
        active = {"inactief": False, "alle": None}.get(source.get("status") or "actief", True)
    cohort = (source.get("cohort") or "").strip() or None
    q = (source.get("q") or "").strip()[:200] or None
    return StudentListFilters(
        programme_id=_int(source.get("programme")),
        group_id=_int(source.get("group")),
        cohort=cohort,
        q=q,
        organisation_id=_int(source.get("organisation")) if current_user.is_admin else None,
        active=active,
    )


FILTER_KEYS = ("programme", "group", "cohort", "q", "organisation", "status")


def filter_args(source: Mapping) -> dict[str, str]:
    """The filter arguments as given (to carry them into links and hidden fields)."""
    return {k: source.get(k) for k in FILTER_KEYS if source.get(k)}


def impersonation_available() -> bool:
    return IMPERSONATE_ENDPOINT in current_app.view_functions


def _import_url() -> str | None:
    # The import wizard is its own blueprint; the list still renders while it is being built.
    if "imports.start" in current_app.view_functions:
        return url_for("imports.start")
    return None


def _render_list(mine: bool):
    restored = remembered_list_state("my_portfolio" if mine else "portfolios")
    if restored is not None:
        return restored
    a = actor()
    query = list_query()
    filters = filters_from(request.args)
    number, size = page_args()
    sort = student_list.normalise_sort(request.args.get("sort"))
    result = student_list.list_students(query, a, filters, mine=mine, sort=sort, page=number, per_page=size)
    options = student_list.filter_options(query, a, mine=mine)
    return render_template(
        "students/list.html",
        title="Mijn Portfolio" if mine else "Portfolio's",
        mine=mine,
        result=result,
        options=options,
        sort=sort,
        args=request.args,
        hidden_filters=filter_args(request.args),
        status_choices=STATUS_CHOICES,
        can_manage_groups=is_allowed(a, Permission.MANAGE_GROUPS),
        can_manage_students=is_allowed(a, Permission.MANAGE_STUDENTS),
        can_impersonate=impersonation_available() and a.role in (Role.ADMIN, Role.SUPERVISOR, Role.TRAINER),
        impersonate_endpoint=IMPERSONATE_ENDPOINT,
        import_url=_import_url(),
        action_labels=ACTION_LABELS,
        confirm_form=ConfirmForm(),
    )


@bp.route("/portfolios")
@login_required
def portfolios():
    if current_user.role is Role.STUDENT:
        return redirect(url_for("students.own_portfolio"))
    return _render_list(mine=False)


@bp.route("/mijn-portfolio")
@login_required
def my_portfolio():
    if current_user.role is Role.STUDENT:
        return redirect(url_for("students.own_portfolio"))
    return _render_list(mine=True)


@bp.route("/mijn-portfolio/student")
@login_required
def own_portfolio():
    if current_user.role is not Role.STUDENT:
        return redirect(url_for("students.my_portfolio"))
    portfolio = use_cases.get_own_portfolio(container().uow(), actor())
    return render_template("students/portfolio.html", p=portfolio, own=True, confirm_form=ConfirmForm())


@bp.route("/portfolios/<int:student_id>")
@login_required
def portfolio(student_id: int):
    portfolio = use_cases.get_student_portfolio(container().uow(), actor(), student_id)
    return render_template(
        "students/portfolio.html",
        p=portfolio,
        own=False,
        confirm_form=ConfirmForm(),
        can_impersonate=impersonation_available() and portfolio.may_impersonate,
        impersonate_endpoint=IMPERSONATE_ENDPOINT,
    )


def _export(kind: str):
    a = actor()
    mine = request.args.get("lijst") == "mijn"
    rows = student_list.export_students(
        list_query(), a, filters_from(request.args), mine=mine, sort=request.args.get("sort")
    )
    if kind == "csv":
        return Response(
            students_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="studenten.csv"'},
        )
    return Response(
        students_xlsx(rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="studenten.xlsx"'},
    )


@bp.route("/portfolios/export.csv")
@login_required
def export_csv():
    if current_user.role is Role.STUDENT:
        return redirect(url_for("students.own_portfolio"))
    return _export("csv")


@bp.route("/portfolios/export.xlsx")
@login_required
def export_xlsx():
    if current_user.role is Role.STUDENT:
        return redirect(url_for("students.own_portfolio"))
    return _export("xlsx")


# -- the student form ---------------------------------------------------------------------------


class _Required:
    """Marks a field as required (label asterisk, aria) without validating: the use case does
    that, so every rule has one Dutch message in one place."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class StudentForm(FlaskForm):
    # Optional: left open, the student gets the organisation of the chosen praktijkbegeleider.
    organisation_id = SelectField("Organisatie", validate_choice=False)
    student_number = StringField("Studentnummer", validators=[_Required()])
    first_name = StringField("Voornaam")
    infix = StringField("Tussenvoegsel")
    last_name = StringField("Achternaam", validators=[_Required()])
    email = StringField("E-mailadres", validators=[_Required()], render_kw={"type": "email", "autocomplete": "off"})
    programme_id = SelectField("Opleiding", validators=[_Required()], validate_choice=False)
    supervisor_id = SelectField("Praktijkbegeleider", validators=[_Required()], validate_choice=False)
    trainer_id = SelectField("Praktijkopleider", validate_choice=False)
    cohort = StringField("Cohort")
    phone = StringField("Telefoonnummer", render_kw={"type": "tel"})
    submit = SubmitField("Opslaan")


def _fill_choices(form: StudentForm, options: StudentFormOptions) -> None:
    if "organisation_id" in form:
        form.organisation_id.choices = [("", "— die van de praktijkbegeleider —")] + [
            (str(o.value), o.label) for o in options.organisations
        ]
    form.programme_id.choices = [("", "— kies een opleiding —")] + [(str(o.value), o.label) for o in options.programmes]
    form.supervisor_id.choices = [("", "— kies een praktijkbegeleider —")] + [
        (str(s.id), s.label) for s in options.supervisors
    ]
    form.trainer_id.choices = [("", "— geen —")] + [(str(t.id), t.label) for t in options.trainers]


def _data(form: StudentForm, organisation_id: int | None) -> use_cases.StudentData:
    return use_cases.StudentData(
        organisation_id=organisation_id,
        student_number=form.student_number.data or "",
        first_name=form.first_name.data,
        infix=form.infix.data,
        last_name=form.last_name.data or "",
        email=form.email.data or "",
        programme_id=_int(form.programme_id.data),
        supervisor_id=_int(form.supervisor_id.data),
        trainer_id=_int(form.trainer_id.data),
        cohort=form.cohort.data,
        phone=form.phone.data,
    )


def show_errors(form: FlaskForm, exc: DomainError) -> str | None:
    """Put each message by its field; returns what belongs to no field (shown above the form)."""
    by_field = getattr(exc, "by_field", None) or {exc.field or "": exc.message}
    rest = []
    for name, message in by_field.items():
        field = form._fields.get(name) if name else None
        if field is None:
            rest.append(message)
        else:
            field.errors = [*field.errors, message]
    if rest:
        return " ".join(rest)
    return "Niet opgeslagen: verbeter de gemarkeerde velden." if by_field else None


@bp.route("/portfolios/nieuw", methods=["GET", "POST"])
@admin_required
def new():
    c = container()
    a = actor()
    options = use_cases.student_form_options(list_query(), a)
    form = StudentForm()
    _fill_choices(form, options)
    if request.method == "GET" and len(options.organisations) == 1:
        form.organisation_id.data = str(options.organisations[0].value)
    error = None
    if form.validate_on_submit():
        try:
            student_id = use_cases.create_student(
                c.uow(), a, c.clock(), _data(form, _int(form.organisation_id.data)),
                invitation_url=lambda token: external_url("auth.reset_password", token=token),
            )
        except DomainError as exc:
            error = show_errors(form, exc)
        else:
            flash(
                f"Student {form.student_number.data.strip()} is opgeslagen. "
                f"Er is een uitnodiging gestuurd naar {form.email.data.strip().lower()}.",
                "success",
            )
            return redirect(url_for("students.portfolio", student_id=student_id))
    status = 422 if error else 200
    return render_template(
        "students/form.html", form=form, error=error, title="Nieuwe student invoeren", student_id=None,
        organisation_name=None,
    ), status


@bp.route("/portfolios/<int:student_id>/bewerken", methods=["GET", "POST"])
@admin_required
def edit(student_id: int):
    c = container()
    a = actor()
    current = use_cases.student_data_for_edit(c.uow(), a, student_id)
    options = use_cases.student_form_options(list_query(), a, (current.supervisor_id, current.trainer_id))
    form = StudentForm()
    del form.organisation_id
    _fill_choices(form, options)
    if request.method == "GET":
        for name in ("student_number", "first_name", "infix", "last_name", "email", "cohort", "phone"):
            form[name].data = getattr(current, name) or ""
        for name in ("programme_id", "supervisor_id", "trainer_id"):
            value = getattr(current, name)
            form[name].data = str(value) if value is not None else ""
    error = None
    if form.validate_on_submit():
        try:
            use_cases.update_student(c.uow(), a, student_id, _data(form, current.organisation_id))
        except DomainError as exc:
            error = show_errors(form, exc)
        else:
            flash("De gegevens van de student zijn opgeslagen.", "success")
            return redirect(url_for("students.portfolio", student_id=student_id))
    organisation_name = next(
        (o.label for o in options.organisations if o.value == current.organisation_id), ""
    )
    status = 422 if error else 200
    return render_template(
        "students/form.html", form=form, error=error, title="Student bewerken", student_id=student_id,
        organisation_name=organisation_name,
    ), status


def _back(student_id: int):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("students.portfolio", student_id=student_id))


@bp.route("/portfolios/<int:student_id>/deactiveren", methods=["POST"])
@admin_required
def deactivate(student_id: int):
    if ConfirmForm().validate_on_submit():
        name = use_cases.set_student_active(container().uow(), actor(), student_id, False)
        flash(f"{name} is gedeactiveerd en kan niet meer inloggen.", "success")
    return _back(student_id)


@bp.route("/portfolios/<int:student_id>/activeren", methods=["POST"])
@admin_required
def activate(student_id: int):
    if ConfirmForm().validate_on_submit():
        name = use_cases.set_student_active(container().uow(), actor(), student_id, True)
        flash(f"{name} is weer actief.", "success")
    return _back(student_id)


@bp.route("/portfolios/<int:student_id>/uitnodigen", methods=["POST"])
@admin_required
def invite(student_id: int):
    if ConfirmForm().validate_on_submit():
        c = container()
        try:
            email = use_cases.send_student_invitation(
                c.uow(), actor(), c.clock(), student_id,
                lambda token: external_url("auth.reset_password", token=token),
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            flash(exc.message, "danger")
        else:
            flash(f"Er is een nieuwe uitnodiging gestuurd naar {email}.", "success")
    return _back(student_id)
