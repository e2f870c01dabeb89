"""Programmes and their modules."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from mijnportfolio.application.catalogue import programmes as use_cases

from ..support import actor, container, page_args
from ..views import Required, int_or_none, local_target, post_action
from . import bp, catalogue_editors, catalogue_form, programme_crumbs

LEVEL_CHOICES = [("", "Kies een niveau"), ("1", "Niveau 1"), ("2", "Niveau 2"), ("3", "Niveau 3"), ("4", "Niveau 4")]


class ProgrammeForm(FlaskForm):
    name = StringField("Naam", validators=[Required()])
    crebo = StringField("Crebocode", validators=[Required()])
    level = SelectField("Niveau", choices=LEVEL_CHOICES, validators=[Required()], validate_choice=False)
    version = HiddenField()


class ModuleForm(FlaskForm):
    name = StringField("Naam", validators=[Required()])


# --- programmes ------------------------------------------------------------------------------


@bp.route("/opleidingen")
@catalogue_editors
def programmes():
    page, per_page = page_args()
    search = request.args.get("q", "")
    sort = request.args.get("sort", "name")
    result = use_cases.list_programmes(
        container().catalogue_queries(), actor(), search=search, sort=sort, page=page, per_page=per_page
    )
    return render_template("catalogue/programmes.html", result=result, search=search, sort=sort)


@bp.route("/opleidingen/nieuw", methods=["GET", "POST"])
@catalogue_editors
def programme_new():
    form = ProgrammeForm()
    del form.version

    def save() -> str:
        programme_id = use_cases.create_programme(
            container().uow(), actor(), use_cases.ProgrammeData(form.name.data, form.crebo.data, form.level.data)
        )
        return url_for("catalogue.programme", programme_id=programme_id)

    return catalogue_form(
        form, save, title="Opleiding toevoegen",
        crumbs=[("Opleidingen", url_for("catalogue.programmes")), ("Nieuw", None)],
        cancel_url=url_for("catalogue.programmes"),
        helps={"crebo": "Precies 5 cijfers, bijvoorbeeld 25491."},
        success="De opleiding is toegevoegd.",
    )


@bp.route("/opleidingen/<int:programme_id>")
@catalogue_editors
def programme(programme_id: int):
    detail = use_cases.programme_detail(container().uow(), actor(), programme_id)
    return render_template("catalogue/programme.html", programme=detail)


@bp.route("/opleidingen/<int:programme_id>/bewerken", methods=["GET", "POST"])
@catalogue_editors
def programme_edit(programme_id: int):
    detail = use_cases.programme_detail(container().uow(), actor(), programme_id)
    form = ProgrammeForm(data=None if request.method == "POST" else {
        "name": detail.name, "crebo": detail.crebo, "level": str(detail.level), "version": str(detail.version)})

    def save() -> str:
        use_cases.update_programme(
            container().uow(), actor(), programme_id,
            use_cases.ProgrammeData(form.name.data, form.crebo.data, form.level.data),
            expected_version=int_or_none(form.version.data),
        )
        return url_for("catalogue.programme", programme_id=programme_id)

    return catalogue_form(
        form, save, title="Opleiding bewerken",
        crumbs=programme_crumbs(programme_id, detail.name) + [("Bewerken", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        helps={"crebo": "Precies 5 cijfers, bijvoorbeeld 25491."},
    )


@bp.route("/opleidingen/<int:programme_id>/verwijderen", methods=["POST"])
@catalogue_editors
def programme_delete(programme_id: int):
    def run():
        name = use_cases.delete_programme(container().uow(), actor(), programme_id)
        flash(f"Opleiding {name} is verwijderd.", "success")
        return redirect(url_for("catalogue.programmes"))  # its own page is gone

    # A refusal (students or exams still use it) goes back to the page the button was on.
    return post_action(run, _came_from(url_for("catalogue.programmes")))


def _came_from(default: str) -> str:
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return local_target("/" + referrer[len(request.host_url):], default)
    return default


# --- modules ---------------------------------------------------------------------------------


@bp.route("/opleidingen/<int:programme_id>/modules/nieuw", methods=["GET", "POST"])
@catalogue_editors
def module_new(programme_id: int):
    name = use_cases.programme_name(container().uow(), actor(), programme_id)
    form = ModuleForm()

    def save() -> str:
        use_cases.create_module(container().uow(), actor(), programme_id, use_cases.ModuleData(form.name.data))
        return url_for("catalogue.programme", programme_id=programme_id)

    return catalogue_form(
        form, save, title="Module toevoegen",
        crumbs=programme_crumbs(programme_id, name) + [("Module toevoegen", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        success="De module is toegevoegd.",
    )


@bp.route("/opleidingen/<int:programme_id>/modules/<int:module_id>/bewerken", methods=["GET", "POST"])
@catalogue_editors
def module_edit(programme_id: int, module_id: int):
    name = use_cases.programme_name(container().uow(), actor(), programme_id)
    module = use_cases.get_module(container().uow(), actor(), module_id)
    form = ModuleForm(data=None if request.method == "POST" else {"name": module.name})

    def save() -> str:
        use_cases.update_module(container().uow(), actor(), module_id, use_cases.ModuleData(form.name.data))
        return url_for("catalogue.programme", programme_id=programme_id)

    return catalogue_form(
        form, save, title="Module bewerken",
        crumbs=programme_crumbs(programme_id, name) + [(f"Module {module.name}", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
    )


@bp.route("/opleidingen/<int:programme_id>/modules/<int:module_id>/verwijderen", methods=["POST"])
@catalogue_editors
def module_delete(programme_id: int, module_id: int):
    def run() -> None:
        use_cases.delete_module(container().uow(), actor(), module_id)

    return post_action(run, url_for("catalogue.programme", programme_id=programme_id), success="De module is verwijderd.")


