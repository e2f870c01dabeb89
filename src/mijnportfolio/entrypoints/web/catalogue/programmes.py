"""Programmes and their modules."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from mijnportfolio.application.catalogue import programmes as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from ..support import actor, admin_required, container, page_args
from ..views import post_action
from . import bp, catalogue_form, programme_crumbs

LEVEL_CHOICES = [("", "Kies een niveau"), ("1", "Niveau 1"), ("2", "Niveau 2"), ("3", "Niveau 3"), ("4", "Niveau 4")]


class ProgrammeForm(FlaskForm):
    name = StringField("Naam")
    crebo = StringField("Crebocode")
    level = SelectField("Niveau", choices=LEVEL_CHOICES, validate_choice=False)


class ModuleForm(FlaskForm):
    name = StringField("Naam")



# --- programmes ------------------------------------------------------------------------------


@bp.route("/opleidingen")
@admin_required
def programmes():
    page, per_page = page_args()
    search = request.args.get("q", "")
    sort = request.args.get("sort", "name")
    result = use_cases.list_programmes(
        container().catalogue_queries(), actor(), search=search, sort=sort, page=page, per_page=per_page
    )
    return render_template("catalogue/programmes.html", result=result, search=search, sort=sort)


@bp.route("/opleidingen/nieuw", methods=["GET", "POST"])
@admin_required
def programme_new():
    form = ProgrammeForm()

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
@admin_required
def programme(programme_id: int):
    detail = use_cases.programme_detail(container().uow(), actor(), programme_id)
    return render_template("catalogue/programme.html", programme=detail)


@bp.route("/opleidingen/<int:programme_id>/bewerken", methods=["GET", "POST"])
@admin_required
def programme_edit(programme_id: int):
    detail = use_cases.programme_detail(container().uow(), actor(), programme_id)
    form = ProgrammeForm(data=None if request.method == "POST" else {
        "name": detail.name, "crebo": detail.crebo, "level": str(detail.level)})

    def save() -> str:
        use_cases.update_programme(
            container().uow(), actor(), programme_id, use_cases.ProgrammeData(form.name.data, form.crebo.data, form.level.data)
        )
        return url_for("catalogue.programme", programme_id=programme_id)

    return catalogue_form(
        form, save, title="Opleiding bewerken",
        crumbs=programme_crumbs(programme_id, detail.name) + [("Bewerken", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        helps={"crebo": "Precies 5 cijfers, bijvoorbeeld 25491."},
    )


@bp.route("/opleidingen/<int:programme_id>/verwijderen", methods=["POST"])
@admin_required
def programme_delete(programme_id: int):
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            name = use_cases.delete_programme(container().uow(), actor(), programme_id)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(request.referrer if _safe(request.referrer) else url_for("catalogue.programmes"))
        flash(f"Opleiding {name} is verwijderd.", "success")
    return redirect(url_for("catalogue.programmes"))


def _safe(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


# --- modules ---------------------------------------------------------------------------------


@bp.route("/opleidingen/<int:programme_id>/modules/nieuw", methods=["GET", "POST"])
@admin_required
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
@admin_required
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
@admin_required
def module_delete(programme_id: int, module_id: int):
    return post_action(
        lambda: use_cases.delete_module(container().uow(), actor(), module_id),
        url_for("catalogue.programme", programme_id=programme_id),
        success="De module is verwijderd.",
    )


