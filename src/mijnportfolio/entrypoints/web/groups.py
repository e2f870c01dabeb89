"""Participant groups ('Deelnemergroepen') and the bulk actions of the student lists."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField

from mijnportfolio.application import groups as use_cases
from mijnportfolio.application.student_list import filter_options
from mijnportfolio.domain.errors import GroupNotEmpty
from mijnportfolio.domain.permissions import Permission

from .students import filter_args, filters_from, list_query
from .support import actor, container, permission_required
from .views import Required, form_page, int_or_none, local_target, post_action

bp = Blueprint("groups", __name__)

group_managers = permission_required(Permission.MANAGE_GROUPS)


class GroupForm(FlaskForm):
    organisation_id = SelectField("Organisatie", validators=[Required()], validate_choice=False)
    name = StringField("Naam", validators=[Required()])
    category = StringField("Categorie", render_kw={"list": "group-categories", "autocomplete": "off"})
    description = TextAreaField("Omschrijving", render_kw={"rows": 3})
    version = HiddenField()
    submit = SubmitField("Opslaan")


def _organisation_choices(form: GroupForm) -> None:
    if not current_user.is_admin:
        del form.organisation_id
        return
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
    del form.version
    _organisation_choices(form)

    def save() -> str:
        organisation_id = int_or_none(form.organisation_id.data) if "organisation_id" in form else a.organisation_id
        use_cases.create_group(container().uow(), a, _data(form, organisation_id))
        return url_for("groups.index")

    return form_page(
        form, save, template="groups/form.html",
        success=lambda: f"Deelnemergroep {(form.name.data or '').strip()} is toegevoegd.",
        title="Deelnemergroep toevoegen", categories=use_cases.group_categories(list_query(), a),
    )


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
        form.version.data = str(current.version)

    def save() -> str:
        use_cases.update_group(
            container().uow(), a, group_id, _data(form, current.organisation_id),
            expected_version=int_or_none(form.version.data),
        )
        return url_for("groups.index")

    return form_page(
        form, save, template="groups/form.html", success="De deelnemergroep is opgeslagen.",
        title="Deelnemergroep bewerken", categories=use_cases.group_categories(list_query(), a),
    )


@bp.route("/portfolios/deelnemergroepen/<int:group_id>/verwijderen", methods=["POST"])
@group_managers
def delete(group_id: int):
    def run() -> str | Response:
        try:
            name, members = use_cases.delete_group(
                container().uow(), actor(), group_id, confirm=request.form.get("confirm") == "1"
            )
        except GroupNotEmpty as exc:
            # Not refused: asked. The confirmation page names what the group still holds.
            current = use_cases.get_group(container().uow(), actor(), group_id)
            return make_response(
                render_template("groups/confirm_delete.html", group=current, group_id=group_id, message=exc.message)
            )
        if not members:
            return f"Deelnemergroep {name} is verwijderd."
        remain = "De student zelf blijft bestaan." if members == 1 else f"De {members} studenten zelf blijven bestaan."
        return f"Deelnemergroep {name} is verwijderd. {remain}"

    return post_action(run, url_for("groups.index"))


# -- bulk actions on the student lists ------------------------------------------------------------


def _selection() -> use_cases.BulkSelection:
    form = request.form
    return use_cases.BulkSelection(
        student_ids=use_cases.parse_ids(form.getlist("student_ids")),
        all_matching=form.get("select_all") == "1",
        filters=filters_from(form),
        mine=form.get("mine") == "1",
    )


def _list_url() -> str:
    """Where to return after the action: the list with its filters."""
    return local_target(request.form.get("next"), url_for("students.portfolios"))


@bp.route("/portfolios/actie", methods=["POST"])
@group_managers
def bulk_confirm():
    """'Voer uit': ask for confirmation, naming the students and the group."""
    action = request.form.get("action") or ""

    def run() -> Response:
        selection = _selection()
        preview = use_cases.preview_bulk_action(
            container().uow(), list_query(), actor(), action, int_or_none(request.form.get("group_id")), selection
        )
        return make_response(render_template(
            "groups/bulk_confirm.html",
            preview=preview,
            action_label=use_cases.ACTION_LABELS[action],
            selection=selection,
            hidden_filters=filter_args(request.form),
            next_url=_list_url(),
        ))

    return post_action(run, _list_url())


@bp.route("/portfolios/actie/uitvoeren", methods=["POST"])
@group_managers
def bulk_apply():
    def run() -> str:
        return use_cases.apply_bulk_action(
            container().uow(), list_query(), actor(), request.form.get("action") or "",
            int_or_none(request.form.get("group_id")), _selection(),
        ).message

    return post_action(run, _list_url())
