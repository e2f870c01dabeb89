"""Participant groups ('Deelnemergroepen') and the bulk actions of the student lists."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from mijnportfolio.application import groups as use_cases
from mijnportfolio.domain.errors import (
    DomainError,
    GroupNotEmpty,
    NotFound,
    PermissionDenied,
)
from mijnportfolio.domain.organisations import Role

from .forms import ConfirmForm
from .students import (
    _int,
    _Required,
    filter_args,
    filters_from,
    list_query,
    show_errors,
)
from .support import actor, container, roles_required

bp = Blueprint("groups", __name__)

group_managers = roles_required(Role.ADMIN, Role.SUPERVISOR)


class GroupForm(FlaskForm):
    organisation_id = SelectField("Organisatie", validators=[_Required()], validate_choice=False)
    name = StringField("Naam", validators=[_Required()])
    category = StringField("Categorie", render_kw={"list": "group-categories", "autocomplete": "off"})
    description = TextAreaField("Omschrijving", render_kw={"rows": 3})
    submit = SubmitField("Opslaan")


def _organisation_choices(form: GroupForm) -> None:
    if not current_user.is_admin:
        del form.organisation_id
        return
    from mijnportfolio.application.student_list import filter_options

    organisations = filter_options(list_query(), actor()).organisations
    form.organisation_id.choices = [("", "— kies een organisatie —")] + [(str(o.value), o.label) for o in organisations]
    if request.method == "GET" and len(organisations) == 1 and not form.organisation_id.data:
        form.organisation_id.data = str(organisations[0].value)


def _data(form: GroupForm, organisation_id: int | None) -> use_cases.GroupData:
    return use_cases.GroupData(
        organisation_id=organisation_id,
        name=form.name.data or "",
        category=form.category.data,
        description=form.description.data,
    )


@bp.route("/portfolios/deelnemergroepen")
@group_managers
def index():
    a = actor()
    query = list_query()
    category = (request.args.get("category") or "").strip() or None
    rows = use_cases.list_groups(query, a, category)
    categories = use_cases.group_categories(query, a)
    return render_template(
        "groups/index.html", rows=rows, categories=categories, category=category,
        show_organisation=current_user.is_admin and len({r.organisation_id for r in rows}) > 1,
    )


@bp.route("/portfolios/deelnemergroepen/nieuw", methods=["GET", "POST"])
@group_managers
def new():
    a = actor()
    form = GroupForm()
    _organisation_choices(form)
    error = None
    if form.validate_on_submit():
        organisation_id = _int(form.organisation_id.data) if "organisation_id" in form else a.organisation_id
        try:
            use_cases.create_group(container().uow(), a, _data(form, organisation_id))
        except DomainError as exc:
            error = show_errors(form, exc)
        else:
            flash(f"Deelnemergroep {form.name.data.strip()} is toegevoegd.", "success")
            return redirect(url_for("groups.index"))
    categories = use_cases.group_categories(list_query(), a)
    return render_template(
        "groups/form.html", form=form, error=error, title="Deelnemergroep toevoegen", categories=categories
    ), (422 if error else 200)


@bp.route("/portfolios/deelnemergroepen/<int:group_id>/bewerken", methods=["GET", "POST"])
@group_managers
def edit(group_id: int):
    a = actor()
    current = use_cases.get_group(container().uow(), a, group_id)
    form = GroupForm()
    del form.organisation_id
    if request.method == "GET":
        form.name.data = current.name
        form.category.data = current.category or ""
        form.description.data = current.description or ""
    error = None
    if form.validate_on_submit():
        try:
            use_cases.update_group(container().uow(), a, group_id, _data(form, current.organisation_id))
        except DomainError as exc:
            error = show_errors(form, exc)
        else:
            flash("De deelnemergroep is opgeslagen.", "success")
            return redirect(url_for("groups.index"))
    categories = use_cases.group_categories(list_query(), a)
    return render_template(
        "groups/form.html", form=form, error=error, title="Deelnemergroep bewerken", categories=categories
    ), (422 if error else 200)


@bp.route("/portfolios/deelnemergroepen/<int:group_id>/verwijderen", methods=["POST"])
@group_managers
def delete(group_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "danger")
        return redirect(url_for("groups.index"))
    confirmed = request.form.get("confirm") == "1"
    try:
        name, members = use_cases.delete_group(container().uow(), actor(), group_id, confirm=confirmed)
    except GroupNotEmpty as exc:
        current = use_cases.get_group(container().uow(), actor(), group_id)
        return render_template("groups/confirm_delete.html", group=current, group_id=group_id, message=exc.message)
    flash(
        f"Deelnemergroep {name} is verwijderd."
        + (f" De {members} studenten zelf blijven bestaan." if members else ""),
        "success",
    )
    return redirect(url_for("groups.index"))


# -- bulk actions on the student lists ------------------------------------------------------------


def _selection() -> use_cases.BulkSelection:
    form = request.form
    return use_cases.BulkSelection(
        student_ids=use_cases.parse_ids(form.getlist("student_ids")),
        all_matching=form.get("select_all") == "1",
        filters=filters_from(form),
        mine=form.get("mine") == "1",
    )


def _next_url() -> str:
    """Where to return after the action: the list with its filters (only a local path)."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("students.portfolios")


def _back_to_list():
    return redirect(_next_url())


@bp.route("/portfolios/actie", methods=["POST"])
@group_managers
def bulk_confirm():
    """'Voer uit': ask for confirmation, naming the number of students and the group."""
    if not ConfirmForm().validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "danger")
        return _back_to_list()
    action = request.form.get("action") or ""
    selection = _selection()
    try:
        preview = use_cases.preview_bulk_action(
            container().uow(), list_query(), actor(), action, _int(request.form.get("group_id")), selection
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "warning")
        return _back_to_list()
    return render_template(
        "groups/bulk_confirm.html",
        preview=preview,
        action_label=use_cases.ACTION_LABELS[action],
        selection=selection,
        hidden_filters=filter_args(request.form),
        next_url=_next_url(),
    )


@bp.route("/portfolios/actie/uitvoeren", methods=["POST"])
@group_managers
def bulk_apply():
    if not ConfirmForm().validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "danger")
        return _back_to_list()
    try:
        result = use_cases.apply_bulk_action(
            container().uow(), list_query(), actor(), request.form.get("action") or "",
            _int(request.form.get("group_id")), _selection(),
        )
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "warning")
    else:
        flash(result.message, "success")
    return _back_to_list()
