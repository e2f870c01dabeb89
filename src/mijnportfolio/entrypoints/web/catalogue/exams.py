"""Exams: the header, upload and download of the whole exam."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from mijnportfolio.adapters.exam_definition import (
    EXAMPLE_YAML,
    MAX_BYTES,
    dump_exam_definition,
    parse_exam_definition,
)
from mijnportfolio.application.catalogue import exams as use_cases
from mijnportfolio.application.catalogue import programmes, views
from mijnportfolio.domain.catalogue import InvalidExamDefinition
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from ..support import actor, admin_required, container
from ..views import Required, int_or_none, post_action
from . import bp, catalogue_form, exam_crumbs, programme_crumbs

SCORE_CHOICES = [(str(s), str(s)) for s in range(1, 6)]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ExamForm(FlaskForm):
    code = StringField("Code", validators=[Required()])
    name = StringField("Naam", validators=[Required()])
    module_id = SelectField("Module", choices=[], validate_choice=False)
    planning_instruction = TextAreaField("Planningsinstructie", render_kw={"rows": 3})
    location = TextAreaField("Locatie", render_kw={"rows": 2})
    max_attempts = StringField("Maximaal aantal pogingen")
    pass_mark = StringField("Cesuur", default="5,5", validators=[Required()])
    justification_scores = MultiCheckboxField(
        "Onderbouwing verplicht bij score", choices=SCORE_CHOICES, default=["1", "2", "5"], validate_choice=False
    )
    work_process_minimum = StringField("Minimum per werkproces")
    version = HiddenField()


class UploadForm(FlaskForm):
    file = FileField("Examenbestand (JSON of YAML)")
    replace = BooleanField("Bestaand examen met dezelfde code vervangen")



# --- exams -----------------------------------------------------------------------------------


def _exam_form(programme_id: int, exam: views.ExamView | None) -> ExamForm:
    if request.method == "POST" or exam is None:
        form = ExamForm()
    else:
        form = ExamForm(data={
            "code": exam.code, "name": exam.name, "module_id": str(exam.module_id or ""),
            "planning_instruction": exam.planning_instruction or "", "location": exam.location or "",
            "max_attempts": "" if exam.max_attempts is None else str(exam.max_attempts),
            "pass_mark": str(exam.pass_mark).replace(".", ","),
            "justification_scores": [str(s) for s in exam.justification_scores],
            "work_process_minimum": "" if exam.work_process_minimum is None else str(exam.work_process_minimum).replace(".", ","),
            "version": str(exam.version),
        })
    form.module_id.choices = [("", "(geen module)")] + [
        (str(i), n) for i, n in programmes.module_choices(container().uow(), actor(), programme_id)
    ]
    return form


def _exam_data(form: ExamForm) -> use_cases.ExamData:
    return use_cases.ExamData(
        code=form.code.data or "",
        name=form.name.data or "",
        module_id=int_or_none(form.module_id.data),
        planning_instruction=form.planning_instruction.data,
        location=form.location.data,
        max_attempts=form.max_attempts.data,
        pass_mark=form.pass_mark.data or "",
        justification_scores=tuple(form.justification_scores.data or ()),
        work_process_minimum=form.work_process_minimum.data or None,
    )


EXAM_HELPS = {
    "max_attempts": "Leeg laten voor onbeperkt.",
    "pass_mark": "Het cijfer (1,0 t/m 10,0) dat een kerntaak minstens moet halen, bijvoorbeeld 5,5.",
    "planning_instruction": "Wordt getoond bij het inplannen.",
    "work_process_minimum": "Optioneel: het cijfer dat elk werkproces minstens moet halen. Leeg laten voor geen minimum.",
}


@bp.route("/opleidingen/<int:programme_id>/examens/nieuw", methods=["GET", "POST"])
@admin_required
def exam_new(programme_id: int):
    name = programmes.programme_name(container().uow(), actor(), programme_id)
    form = _exam_form(programme_id, None)

    def save() -> str:
        exam_id = use_cases.create_exam(container().uow(), actor(), programme_id, _exam_data(form))
        return url_for("catalogue.exam", exam_id=exam_id)

    return catalogue_form(
        form, save, title="Examen toevoegen",
        crumbs=programme_crumbs(programme_id, name) + [("Examen toevoegen", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        helps=EXAM_HELPS,
        success="Het examen is toegevoegd. Voeg nu kerntaken, werkprocessen, onderdelen en criteria toe.",
    )


@bp.route("/examens/<int:exam_id>")
@admin_required
def exam(exam_id: int):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    return render_template("catalogue/exam.html", exam=view, crumbs=exam_crumbs(view)[:-1])


@bp.route("/examens/<int:exam_id>/bewerken", methods=["GET", "POST"])
@admin_required
def exam_edit(exam_id: int):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    form = _exam_form(view.programme_id, view)

    def save() -> str:
        use_cases.update_exam(
            container().uow(), actor(), exam_id, _exam_data(form), expected_version=int_or_none(form.version.data)
        )
        return url_for("catalogue.exam", exam_id=exam_id)

    return catalogue_form(
        form, save, title="Examen bewerken",
        crumbs=exam_crumbs(view) + [("Bewerken", None)],
        cancel_url=url_for("catalogue.exam", exam_id=exam_id),
        helps=EXAM_HELPS,
    )


@bp.route("/examens/<int:exam_id>/verwijderen", methods=["POST"])
@admin_required
def exam_delete(exam_id: int):
    view = views.exam_detail(container().uow(), actor(), exam_id)

    def delete() -> None:
        use_cases.delete_exam(container().uow(), actor(), exam_id)

    return post_action(
        delete,
        url_for("catalogue.programme", programme_id=view.programme_id),
        success=f"Examen {view.code} is verwijderd.",
    )


@bp.route("/opleidingen/<int:programme_id>/examens/uploaden", methods=["GET", "POST"])
@admin_required
def exam_upload(programme_id: int):
    name = programmes.programme_name(container().uow(), actor(), programme_id)
    form = UploadForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            errors = ["Kies een examenbestand (JSON of YAML)."]
        else:
            data = upload.stream.read(MAX_BYTES + 1)
            try:
                definition = parse_exam_definition(data, upload.filename)
                result = use_cases.import_exam_definition(
                    container().uow(), actor(), programme_id, definition, replace=bool(form.replace.data)
                )
            except InvalidExamDefinition as exc:
                errors = exc.errors
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                errors = [exc.message]
            else:
                verb = "toegevoegd" if result.created else "vervangen"
                flash(
                    f"Examen {result.code} is {verb}: {result.part_count} onderdel{'' if result.part_count == 1 else 'en'}, "
                    f"{result.criterion_count} criteri{'um' if result.criterion_count == 1 else 'a'}.",
                    "success",
                )
                return redirect(url_for("catalogue.exam", exam_id=result.exam_id))
        status = 400
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "catalogue/upload.html", form=form, errors=errors, programme_id=programme_id,
            crumbs=programme_crumbs(programme_id, name),
        ),
        status,
    )


@bp.route("/examens/voorbeeld.yaml")
@admin_required
def example_file():
    return Response(
        EXAMPLE_YAML.encode("utf-8"),
        mimetype="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="voorbeeld-examen.yaml"'},
    )


@bp.route("/examens/<int:exam_id>/download.<any(yaml, json):fmt>")
@admin_required
def exam_download(exam_id: int, fmt: str):
    definition = use_cases.export_exam_definition(container().uow(), actor(), exam_id)
    safe_code = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in definition.code)
    return Response(
        dump_exam_definition(definition, fmt),
        mimetype="application/json" if fmt == "json" else "application/yaml",
        headers={"Content-Disposition": f'attachment; filename="examen-{safe_code}.{fmt}"'},
    )


