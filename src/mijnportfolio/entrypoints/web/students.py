"""Students: the lists "Portfolio's" and "Mijn Portfolio", the portfolio page and the student form."""

from __future__ import annotations

from typing import Mapping

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField

from mijnportfolio.adapters.export_students import students_csv, students_xlsx
from mijnportfolio.application import student_list
from mijnportfolio.application.messages import message_counts
from mijnportfolio.application.examination.attempts import student_exams
from mijnportfolio.application import students as use_cases
from mijnportfolio.application.groups import ACTION_LABELS
from mijnportfolio.application.ports.students import (
    StudentFormOptions,
    StudentListFilters,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Permission, is_allowed

from .forms import ConfirmForm
from .portal import render_portal
from .support import (
    actor,
    container,
    external_url,
    look_along,
    page_args,
    permission_required,
    remembered_list_state,
)
from .views import Required, form_page, int_or_none, local_target, post_action

bp = Blueprint("students", __name__)

# "Log in als deze student" (meekijken) lives in its own blueprint; its icon is shown only when
# that endpoint (taking the student id) is registered.
IMPERSONATE_ENDPOINT = "impersonation.start"
STATUS_CHOICES = (("actief", "Actief"), ("inactief", "Gedeactiveerd"), ("alle", "Alle"))


def list_query():
    return container().student_list_query()


def filters_from(source: Mapping) -> StudentListFilters:
    """The list filters from a query string (GET) or a form (the bulk action carries them along).

    Only admins can choose to see deactivated students; everyone else sees active ones."""
    active: bool | None = True
    if current_user.is_admin:
        active = {"inactief": False, "alle": None}.get(source.get("status") or "actief", True)
    cohort = (source.get("cohort") or "").strip() or None
    q = (source.get("q") or "").strip()[:200] or None
    return StudentListFilters(
        programme_id=int_or_none(source.get("programme")),
        group_id=int_or_none(source.get("group")),
        cohort=cohort,
        q=q,
        organisation_id=int_or_none(source.get("organisation")) if current_user.is_admin else None,
        active=active,
    )


FILTER_KEYS = ("programme", "group", "cohort", "q", "organisation", "status")


def filter_args(source: Mapping) -> dict[str, str]:
    """The filter arguments as given (to carry them into links and hidden fields)."""
    return {k: str(source[k]) for k in FILTER_KEYS if source.get(k)}


def impersonation_available() -> bool:
    # Looking along does not nest: while looking along, no one else can be started.
    return IMPERSONATE_ENDPOINT in current_app.view_functions and look_along() is None


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
        message_counts=message_counts(container().message_query(), a) if mine else None,
        result=result,
        options=options,
        sort=sort,
        args=request.args,
        hidden_filters=filter_args(request.args),
        status_choices=STATUS_CHOICES,
        can_manage_groups=is_allowed(a, Permission.MANAGE_GROUPS),
        can_manage_students=is_allowed(a, Permission.MANAGE_STUDENTS),
        impersonable=student_list.impersonable(a, result.rows) if impersonation_available() else frozenset(),
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
    """A student's own portfolio with its tabs (the student portal); while a staff member looks
    along with a student, that student's view of it."""
    if current_user.role is not Role.STUDENT and look_along() is None:
        return redirect(url_for("students.my_portfolio"))
    return render_portal()


@bp.route("/portfolios/<int:student_id>")
@login_required
def portfolio(student_id: int):
    c = container()
    portfolio = use_cases.get_student_portfolio(c.uow(), actor(), student_id)
    return render_template(
        "students/portfolio.html",
        p=portfolio,
        exams=student_exams(c.uow(), actor(), c.clock(), student_id),
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

students_managers = permission_required(Permission.MANAGE_STUDENTS)


class StudentForm(FlaskForm):
    # Optional: left open, the student gets the organisation of the chosen praktijkbegeleider.
    organisation_id = SelectField("Organisatie", validate_choice=False)
    student_number = StringField("Studentnummer", validators=[Required()])
    first_name = StringField("Voornaam")
    infix = StringField("Tussenvoegsel")
    last_name = StringField("Achternaam", validators=[Required()])
    email = StringField("E-mailadres", validators=[Required()], render_kw={"type": "email", "autocomplete": "off"})
    programme_id = SelectField("Opleiding", validators=[Required()], validate_choice=False)
    supervisor_id = SelectField("Praktijkbegeleider", validators=[Required()], validate_choice=False)
    trainer_id = SelectField("Praktijkopleider", validate_choice=False)
    cohort = StringField("Cohort")
    phone = StringField("Telefoonnummer", render_kw={"type": "tel"})
    version = HiddenField()
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
        programme_id=int_or_none(form.programme_id.data),
        supervisor_id=int_or_none(form.supervisor_id.data),
        trainer_id=int_or_none(form.trainer_id.data),
        cohort=form.cohort.data,
        phone=form.phone.data,
    )


@bp.route("/portfolios/nieuw", methods=["GET", "POST"])
@students_managers
def new():
    c = container()
    a = actor()
    options = use_cases.student_form_options(list_query(), a)
    form = StudentForm()
    del form.version
    _fill_choices(form, options)
    if request.method == "GET" and len(options.organisations) == 1:
        form.organisation_id.data = str(options.organisations[0].value)

    def save() -> str:
        student_id = use_cases.create_student(
            c.uow(), a, c.clock(), _data(form, int_or_none(form.organisation_id.data)),
            invitation_url=lambda token: external_url("auth.reset_password", token=token),
        )
        return url_for("students.portfolio", student_id=student_id)

    def saved() -> str:
        return (
            f"Student {(form.student_number.data or '').strip()} is opgeslagen. "
            f"Er is een uitnodiging gestuurd naar {(form.email.data or '').strip().lower()}."
        )

    return form_page(
        form, save, template="students/form.html", success=saved,
        title="Nieuwe student invoeren", student_id=None, organisation_name=None,
    )


@bp.route("/portfolios/<int:student_id>/bewerken", methods=["GET", "POST"])
@students_managers
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
        form.version.data = str(current.version)

    def save() -> str:
        use_cases.update_student(
            c.uow(), a, student_id, _data(form, current.organisation_id),
            expected_version=int_or_none(form.version.data),
        )
        return url_for("students.portfolio", student_id=student_id)

    organisation_name = next(
        (o.label for o in options.organisations if o.value == current.organisation_id), ""
    )
    return form_page(
        form, save, template="students/form.html", success="De gegevens van de student zijn opgeslagen.",
        title="Student bewerken", student_id=student_id, organisation_name=organisation_name,
    )


def _portfolio_or_next(student_id: int) -> str:
    return local_target(request.form.get("next"), url_for("students.portfolio", student_id=student_id))


@bp.route("/portfolios/<int:student_id>/deactiveren", methods=["POST"])
@students_managers
def deactivate(student_id: int):
    def run() -> str:
        name = use_cases.set_student_active(container().uow(), actor(), student_id, False)
        return f"{name} is gedeactiveerd en kan niet meer inloggen."

    return post_action(run, _portfolio_or_next(student_id))


@bp.route("/portfolios/<int:student_id>/activeren", methods=["POST"])
@students_managers
def activate(student_id: int):
    def run() -> str:
        name = use_cases.set_student_active(container().uow(), actor(), student_id, True)
        return f"{name} is weer actief."

    return post_action(run, _portfolio_or_next(student_id))


@bp.route("/portfolios/<int:student_id>/uitnodigen", methods=["POST"])
@students_managers
def invite(student_id: int):
    def run() -> str:
        c = container()
        email = use_cases.send_student_invitation(
            c.uow(), actor(), c.clock(), student_id,
            lambda token: external_url("auth.reset_password", token=token),
        )
        return f"Er is een nieuwe uitnodiging gestuurd naar {email}."

    return post_action(run, _portfolio_or_next(student_id))
