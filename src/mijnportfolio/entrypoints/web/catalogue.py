"""Catalogue screens (admin): programmes, modules, exams, the structure editor, upload/download."""

from __future__ import annotations

from typing import Callable

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets

from mijnportfolio.adapters.exam_definition import (
    EXAMPLE_YAML,
    MAX_BYTES,
    dump_exam_definition,
    parse_exam_definition,
)
from mijnportfolio.application import catalogue as use_cases
from mijnportfolio.domain.catalogue import InvalidExamDefinition
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from .support import actor, admin_required, container, page_args

bp = Blueprint("catalogue", __name__)

LEVEL_CHOICES = [("", "Kies een niveau"), ("1", "Niveau 1"), ("2", "Niveau 2"), ("3", "Niveau 3"), ("4", "Niveau 4")]
SCORE_CHOICES = [(str(s), str(s)) for s in range(1, 6)]


# --- forms: only shape here; every rule (and its Dutch message) lives in the domain --------


class ProgrammeForm(FlaskForm):
    name = StringField("Naam")
    crebo = StringField("Crebocode")
    level = SelectField("Niveau", choices=LEVEL_CHOICES, validate_choice=False)


class ModuleForm(FlaskForm):
    name = StringField("Naam")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ExamForm(FlaskForm):
    code = StringField("Code")
    name = StringField("Naam")
    module_id = SelectField("Module", choices=[], validate_choice=False)
    planning_instruction = TextAreaField("Planningsinstructie", render_kw={"rows": 3})
    location = TextAreaField("Locatie", render_kw={"rows": 2})
    max_attempts = StringField("Maximaal aantal pogingen")
    pass_mark = StringField("Cesuur", default="5,5")
    justification_scores = MultiCheckboxField(
        "Onderbouwing verplicht bij score", choices=SCORE_CHOICES, default=["1", "2", "5"], validate_choice=False
    )


class UploadForm(FlaskForm):
    file = FileField("Examenbestand (JSON of YAML)")
    replace = BooleanField("Bestaand examen met dezelfde code vervangen")


class PartForm(FlaskForm):
    title = StringField("Titel")


class CoreTaskForm(FlaskForm):
    code = StringField("Code")
    title = StringField("Titel")


class WorkProcessForm(FlaskForm):
    core_task_id = SelectField("Kerntaak", choices=[], validate_choice=False)
    code = StringField("Code")
    title = StringField("Titel")


class CriterionForm(FlaskForm):
    part_id = SelectField("Onderdeel", choices=[], validate_choice=False)
    work_process_id = SelectField("Werkproces", choices=[], validate_choice=False)
    text = TextAreaField("Criterium", render_kw={"rows": 3})
    knock_out = BooleanField("Knock-outcriterium (lager dan 3 betekent: kerntaak niet behaald)")
    descriptor_1 = TextAreaField("Beschrijving bij score 1", render_kw={"rows": 2})
    descriptor_2 = TextAreaField("Beschrijving bij score 2", render_kw={"rows": 2})
    descriptor_3 = TextAreaField("Beschrijving bij score 3", render_kw={"rows": 2})
    descriptor_4 = TextAreaField("Beschrijving bij score 4", render_kw={"rows": 2})
    descriptor_5 = TextAreaField("Beschrijving bij score 5", render_kw={"rows": 2})


# --- helpers -------------------------------------------------------------------------------


def _uow():
    return container().uow()


def _show_error(form: FlaskForm, exc: DomainError) -> None:
    """A rule's message next to its field, or above the form."""
    if isinstance(exc, (NotFound, PermissionDenied)):
        raise exc
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [exc.message]
    else:
        flash(exc.message, "danger")


def _form_page(
    form: FlaskForm,
    save: Callable[[], str],
    *,
    title: str,
    crumbs: list[tuple[str, str | None]],
    cancel_url: str,
    fields: list[str] | None = None,
    helps: dict[str, str] | None = None,
    success: str = "Opgeslagen.",
):
    """Render ``form``; on a valid POST call ``save`` (returns where to go next)."""
    status = 200
    if form.validate_on_submit():
        try:
            target = save()
        except DomainError as exc:
            _show_error(form, exc)
            status = 400
        else:
            flash(success, "success")
            return redirect(target)
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "catalogue/form.html",
            form=form,
            title=title,
            crumbs=crumbs,
            cancel_url=cancel_url,
            fields=fields or [f.name for f in form if f.name not in ("csrf_token",)],
            helps=helps or {},
        ),
        status,
    )


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _post_action(action: Callable[[], None], success: str, target: str):
    """POST-only buttons (delete, move): run, flash the outcome, go back."""
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "danger")
        return redirect(target)
    try:
        action()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        if success:
            flash(success, "success")
    return redirect(target)


def _programme_crumbs(programme_id: int, name: str) -> list[tuple[str, str | None]]:
    return [
        ("Opleidingen", url_for("catalogue.programmes")),
        (name, url_for("catalogue.programme", programme_id=programme_id)),
    ]


def _exam_crumbs(exam: use_cases.ExamView) -> list[tuple[str, str | None]]:
    return _programme_crumbs(exam.programme_id, exam.programme_name) + [
        (f"{exam.code} {exam.name}", url_for("catalogue.exam", exam_id=exam.id))
    ]


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
            _uow(), actor(), use_cases.ProgrammeData(form.name.data, form.crebo.data, form.level.data)
        )
        return url_for("catalogue.programme", programme_id=programme_id)

    return _form_page(
        form, save, title="Opleiding toevoegen",
        crumbs=[("Opleidingen", url_for("catalogue.programmes")), ("Nieuw", None)],
        cancel_url=url_for("catalogue.programmes"),
        helps={"crebo": "Precies 5 cijfers, bijvoorbeeld 25491."},
        success="De opleiding is toegevoegd.",
    )


@bp.route("/opleidingen/<int:programme_id>")
@admin_required
def programme(programme_id: int):
    detail = use_cases.programme_detail(_uow(), actor(), programme_id)
    return render_template("catalogue/programme.html", programme=detail)


@bp.route("/opleidingen/<int:programme_id>/bewerken", methods=["GET", "POST"])
@admin_required
def programme_edit(programme_id: int):
    detail = use_cases.programme_detail(_uow(), actor(), programme_id)
    form = ProgrammeForm(data=None if request.method == "POST" else {
        "name": detail.name, "crebo": detail.crebo, "level": str(detail.level)})

    def save() -> str:
        use_cases.update_programme(
            _uow(), actor(), programme_id, use_cases.ProgrammeData(form.name.data, form.crebo.data, form.level.data)
        )
        return url_for("catalogue.programme", programme_id=programme_id)

    return _form_page(
        form, save, title="Opleiding bewerken",
        crumbs=_programme_crumbs(programme_id, detail.name) + [("Bewerken", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        helps={"crebo": "Precies 5 cijfers, bijvoorbeeld 25491."},
    )


@bp.route("/opleidingen/<int:programme_id>/verwijderen", methods=["POST"])
@admin_required
def programme_delete(programme_id: int):
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            name = use_cases.delete_programme(_uow(), actor(), programme_id)
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
    name = use_cases.programme_name(_uow(), actor(), programme_id)
    form = ModuleForm()

    def save() -> str:
        use_cases.create_module(_uow(), actor(), programme_id, use_cases.ModuleData(form.name.data))
        return url_for("catalogue.programme", programme_id=programme_id)

    return _form_page(
        form, save, title="Module toevoegen",
        crumbs=_programme_crumbs(programme_id, name) + [("Module toevoegen", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        success="De module is toegevoegd.",
    )


@bp.route("/opleidingen/<int:programme_id>/modules/<int:module_id>/bewerken", methods=["GET", "POST"])
@admin_required
def module_edit(programme_id: int, module_id: int):
    name = use_cases.programme_name(_uow(), actor(), programme_id)
    module = use_cases.get_module(_uow(), actor(), module_id)
    form = ModuleForm(data=None if request.method == "POST" else {"name": module.name})

    def save() -> str:
        use_cases.update_module(_uow(), actor(), module_id, use_cases.ModuleData(form.name.data))
        return url_for("catalogue.programme", programme_id=programme_id)

    return _form_page(
        form, save, title="Module bewerken",
        crumbs=_programme_crumbs(programme_id, name) + [(f"Module {module.name}", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
    )


@bp.route("/opleidingen/<int:programme_id>/modules/<int:module_id>/verwijderen", methods=["POST"])
@admin_required
def module_delete(programme_id: int, module_id: int):
    return _post_action(
        lambda: use_cases.delete_module(_uow(), actor(), module_id),
        "De module is verwijderd.",
        url_for("catalogue.programme", programme_id=programme_id),
    )


# --- exams -----------------------------------------------------------------------------------


def _exam_form(programme_id: int, exam: use_cases.ExamView | None) -> ExamForm:
    if request.method == "POST" or exam is None:
        form = ExamForm()
    else:
        form = ExamForm(data={
            "code": exam.code, "name": exam.name, "module_id": str(exam.module_id or ""),
            "planning_instruction": exam.planning_instruction or "", "location": exam.location or "",
            "max_attempts": "" if exam.max_attempts is None else str(exam.max_attempts),
            "pass_mark": str(exam.pass_mark).replace(".", ","),
            "justification_scores": [str(s) for s in exam.justification_scores],
        })
    form.module_id.choices = [("", "(geen module)")] + [
        (str(i), n) for i, n in use_cases.module_choices(_uow(), actor(), programme_id)
    ]
    return form


def _exam_data(form: ExamForm) -> use_cases.ExamData:
    return use_cases.ExamData(
        code=form.code.data or "",
        name=form.name.data or "",
        module_id=_int(form.module_id.data),
        planning_instruction=form.planning_instruction.data,
        location=form.location.data,
        max_attempts=form.max_attempts.data,
        pass_mark=form.pass_mark.data or "",
        justification_scores=tuple(form.justification_scores.data or ()),
    )


EXAM_HELPS = {
    "max_attempts": "Leeg laten voor onbeperkt.",
    "pass_mark": "Het cijfer (1,0 t/m 10,0) dat een kerntaak minstens moet halen, bijvoorbeeld 5,5.",
    "planning_instruction": "Wordt getoond bij het inplannen.",
}


@bp.route("/opleidingen/<int:programme_id>/examens/nieuw", methods=["GET", "POST"])
@admin_required
def exam_new(programme_id: int):
    name = use_cases.programme_name(_uow(), actor(), programme_id)
    form = _exam_form(programme_id, None)

    def save() -> str:
        exam_id = use_cases.create_exam(_uow(), actor(), programme_id, _exam_data(form))
        return url_for("catalogue.exam", exam_id=exam_id)

    return _form_page(
        form, save, title="Examen toevoegen",
        crumbs=_programme_crumbs(programme_id, name) + [("Examen toevoegen", None)],
        cancel_url=url_for("catalogue.programme", programme_id=programme_id),
        helps=EXAM_HELPS,
        success="Het examen is toegevoegd. Voeg nu kerntaken, werkprocessen, onderdelen en criteria toe.",
    )


@bp.route("/examens/<int:exam_id>")
@admin_required
def exam(exam_id: int):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    return render_template("catalogue/exam.html", exam=view, crumbs=_exam_crumbs(view)[:-1])


@bp.route("/examens/<int:exam_id>/bewerken", methods=["GET", "POST"])
@admin_required
def exam_edit(exam_id: int):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    form = _exam_form(view.programme_id, view)

    def save() -> str:
        use_cases.update_exam(_uow(), actor(), exam_id, _exam_data(form))
        return url_for("catalogue.exam", exam_id=exam_id)

    return _form_page(
        form, save, title="Examen bewerken",
        crumbs=_exam_crumbs(view) + [("Bewerken", None)],
        cancel_url=url_for("catalogue.exam", exam_id=exam_id),
        helps=EXAM_HELPS,
    )


@bp.route("/examens/<int:exam_id>/verwijderen", methods=["POST"])
@admin_required
def exam_delete(exam_id: int):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    return _post_action(
        lambda: use_cases.delete_exam(_uow(), actor(), exam_id),
        f"Examen {view.code} is verwijderd.",
        url_for("catalogue.programme", programme_id=view.programme_id),
    )


@bp.route("/opleidingen/<int:programme_id>/examens/uploaden", methods=["GET", "POST"])
@admin_required
def exam_upload(programme_id: int):
    name = use_cases.programme_name(_uow(), actor(), programme_id)
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
                    _uow(), actor(), programme_id, definition, replace=bool(form.replace.data)
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
            crumbs=_programme_crumbs(programme_id, name),
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
    definition = use_cases.export_exam_definition(_uow(), actor(), exam_id)
    safe_code = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in definition.code)
    return Response(
        dump_exam_definition(definition, fmt),
        mimetype="application/json" if fmt == "json" else "application/yaml",
        headers={"Content-Disposition": f'attachment; filename="examen-{safe_code}.{fmt}"'},
    )


# --- the structure editor ----------------------------------------------------------------------


def _back(exam_id: int, anchor: str = "") -> str:
    return url_for("catalogue.exam", exam_id=exam_id) + (f"#{anchor}" if anchor else "")


@bp.route("/examens/<int:exam_id>/onderdelen/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/onderdelen/<int:part_id>/bewerken", methods=["GET", "POST"], endpoint="part_edit")
@admin_required
def part_new(exam_id: int, part_id: int | None = None):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    part = view.part(part_id) if part_id else None
    if part_id and part is None:
        raise NotFound("Dit onderdeel bestaat niet.")
    form = PartForm(data={"title": part.title} if part and request.method != "POST" else None)

    def save() -> str:
        data = use_cases.PartData(form.title.data or "")
        if part:
            use_cases.update_part(_uow(), actor(), exam_id, part.id, data)
            return _back(exam_id, f"onderdeel-{part.id}")
        new_id = use_cases.add_part(_uow(), actor(), exam_id, data)
        return _back(exam_id, f"onderdeel-{new_id}")

    title = f"Onderdeel {part.number} bewerken" if part else f"Onderdeel {len(view.parts) + 1} toevoegen"
    return _form_page(
        form, save, title=title, crumbs=_exam_crumbs(view) + [(title, None)], cancel_url=_back(exam_id),
        helps={"title": "Bijvoorbeeld 'Zorg verlenen'. Onderdelen worden automatisch genummerd."},
    )


@bp.route("/examens/<int:exam_id>/onderdelen/<int:part_id>/verwijderen", methods=["POST"])
@admin_required
def part_delete(exam_id: int, part_id: int):
    return _post_action(
        lambda: use_cases.delete_part(_uow(), actor(), exam_id, part_id),
        "Het onderdeel is verwijderd; de volgende onderdelen zijn opnieuw genummerd.",
        _back(exam_id, "onderdelen"),
    )


@bp.route("/examens/<int:exam_id>/kerntaken/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/kerntaken/<int:core_task_id>/bewerken", methods=["GET", "POST"], endpoint="core_task_edit")
@admin_required
def core_task_new(exam_id: int, core_task_id: int | None = None):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    core_task = view.core_task(core_task_id) if core_task_id else None
    if core_task_id and core_task is None:
        raise NotFound("Deze kerntaak bestaat niet.")
    form = CoreTaskForm(data={"code": core_task.code, "title": core_task.title} if core_task and request.method != "POST" else None)

    def save() -> str:
        data = use_cases.CoreTaskData(form.code.data or "", form.title.data or "")
        if core_task:
            use_cases.update_core_task(_uow(), actor(), exam_id, core_task.id, data)
        else:
            use_cases.add_core_task(_uow(), actor(), exam_id, data)
        return _back(exam_id, "kerntaken")

    title = f"Kerntaak {core_task.code} bewerken" if core_task else "Kerntaak toevoegen"
    return _form_page(
        form, save, title=title, crumbs=_exam_crumbs(view) + [(title, None)], cancel_url=_back(exam_id, "kerntaken"),
        helps={"code": "Bijvoorbeeld B1-K1."},
    )


@bp.route("/examens/<int:exam_id>/kerntaken/<int:core_task_id>/verwijderen", methods=["POST"])
@admin_required
def core_task_delete(exam_id: int, core_task_id: int):
    return _post_action(
        lambda: use_cases.delete_core_task(_uow(), actor(), exam_id, core_task_id),
        "De kerntaak is verwijderd.",
        _back(exam_id, "kerntaken"),
    )


@bp.route("/examens/<int:exam_id>/werkprocessen/nieuw", methods=["GET", "POST"])
@bp.route(
    "/examens/<int:exam_id>/werkprocessen/<int:work_process_id>/bewerken", methods=["GET", "POST"], endpoint="work_process_edit"
)
@admin_required
def work_process_new(exam_id: int, work_process_id: int | None = None):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    work_process = view.work_process(work_process_id) if work_process_id else None
    if work_process_id and work_process is None:
        raise NotFound("Dit werkproces bestaat niet.")
    if not view.core_tasks:
        flash("Voeg eerst een kerntaak toe: elk werkproces hoort bij een kerntaak.", "info")
        return redirect(_back(exam_id, "kerntaken"))
    if work_process and request.method != "POST":
        form = WorkProcessForm(data={"core_task_id": str(work_process.core_task_id), "code": work_process.code, "title": work_process.title})
    else:
        form = WorkProcessForm(data=None if request.method == "POST" else {"core_task_id": request.args.get("kerntaak", "")})
    form.core_task_id.choices = [(str(c.id), f"{c.code} {c.title}".strip()) for c in view.core_tasks]

    def save() -> str:
        data = use_cases.WorkProcessData(_int(form.core_task_id.data), form.code.data or "", form.title.data or "")
        if work_process:
            use_cases.update_work_process(_uow(), actor(), exam_id, work_process.id, data)
        else:
            use_cases.add_work_process(_uow(), actor(), exam_id, data)
        return _back(exam_id, "kerntaken")

    title = f"Werkproces {work_process.code} bewerken" if work_process else "Werkproces toevoegen"
    return _form_page(
        form, save, title=title, crumbs=_exam_crumbs(view) + [(title, None)], cancel_url=_back(exam_id, "kerntaken"),
        helps={"code": "Bijvoorbeeld B1-K1-W1."},
    )


@bp.route("/examens/<int:exam_id>/werkprocessen/<int:work_process_id>/verwijderen", methods=["POST"])
@admin_required
def work_process_delete(exam_id: int, work_process_id: int):
    return _post_action(
        lambda: use_cases.delete_work_process(_uow(), actor(), exam_id, work_process_id),
        "Het werkproces is verwijderd.",
        _back(exam_id, "kerntaken"),
    )


@bp.route("/examens/<int:exam_id>/criteria/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/bewerken", methods=["GET", "POST"], endpoint="criterion_edit")
@admin_required
def criterion_new(exam_id: int, criterion_id: int | None = None):
    view = use_cases.exam_detail(_uow(), actor(), exam_id)
    criterion = view.criterion(criterion_id) if criterion_id else None
    if criterion_id and criterion is None:
        raise NotFound("Dit criterium bestaat niet.")
    if not view.parts or not any(c.work_processes for c in view.core_tasks):
        flash("Voeg eerst een onderdeel en een kerntaak met een werkproces toe.", "info")
        return redirect(_back(exam_id))
    if request.method == "POST":
        form = CriterionForm()
    elif criterion:
        form = CriterionForm(data={
            "part_id": str(criterion.part_id), "work_process_id": str(criterion.work_process_id or ""),
            "text": criterion.text, "knock_out": criterion.knock_out,
            **{f"descriptor_{s}": criterion.descriptors.get(s, "") for s in range(1, 6)},
        })
    else:
        form = CriterionForm(data={"part_id": request.args.get("onderdeel", "")})
    form.part_id.choices = [(str(p.id), f"Onderdeel {p.number}: {p.title}") for p in view.parts]
    form.work_process_id.choices = [
        (str(w.id), f"{w.code} {w.title}".strip()) for c in view.core_tasks for w in c.work_processes
    ]

    def save() -> str:
        data = use_cases.CriterionData(
            part_id=_int(form.part_id.data),
            work_process_id=_int(form.work_process_id.data),
            text=form.text.data or "",
            knock_out=bool(form.knock_out.data),
            descriptors={s: getattr(form, f"descriptor_{s}").data or "" for s in range(1, 6)},
        )
        if criterion:
            use_cases.update_criterion(_uow(), actor(), exam_id, criterion.id, data)
        else:
            use_cases.add_criterion(_uow(), actor(), exam_id, data)
        return _back(exam_id, f"onderdeel-{data.part_id}")

    title = "Criterium bewerken" if criterion else "Criterium toevoegen"
    return _form_page(
        form, save, title=title, crumbs=_exam_crumbs(view) + [(title, None)], cancel_url=_back(exam_id, "onderdelen"),
        helps={"descriptor_1": "Optioneel: per score een korte beschrijving, zichtbaar tijdens het beoordelen."},
    )


@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/verwijderen", methods=["POST"])
@admin_required
def criterion_delete(exam_id: int, criterion_id: int):
    return _post_action(
        lambda: use_cases.delete_criterion(_uow(), actor(), exam_id, criterion_id),
        "Het criterium is verwijderd.",
        _back(exam_id, "onderdelen"),
    )


@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/<any(omhoog, omlaag):direction>", methods=["POST"])
@admin_required
def criterion_move(exam_id: int, criterion_id: int, direction: str):
    return _post_action(
        lambda: use_cases.move_criterion(_uow(), actor(), exam_id, criterion_id, -1 if direction == "omhoog" else 1),
        "",
        _back(exam_id, f"criterium-{criterion_id}"),
    )
