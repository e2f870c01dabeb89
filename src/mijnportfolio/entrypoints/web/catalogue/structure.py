"""The structure editor: parts, core tasks, work processes and criteria."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from mijnportfolio.application.catalogue import structure as use_cases
from mijnportfolio.application.catalogue import views
from mijnportfolio.domain.errors import NotFound

from ..support import actor, container
from ..views import Required, int_or_none, post_action
from . import bp, catalogue_editors, catalogue_form, exam_crumbs


class PartForm(FlaskForm):
    title = StringField("Titel")


class CoreTaskForm(FlaskForm):
    code = StringField("Code", validators=[Required()])
    title = StringField("Titel")


class WorkProcessForm(FlaskForm):
    core_task_id = SelectField("Kerntaak", choices=[], validators=[Required()], validate_choice=False)
    code = StringField("Code", validators=[Required()])
    title = StringField("Titel")


class CriterionForm(FlaskForm):
    part_id = SelectField("Onderdeel", choices=[], validators=[Required()], validate_choice=False)
    work_process_id = SelectField("Werkproces", choices=[], validators=[Required()], validate_choice=False)
    text = TextAreaField("Criterium", validators=[Required()], render_kw={"rows": 3})
    knock_out = BooleanField("Knock-outcriterium (lager dan 3 betekent: kerntaak niet behaald)")
    descriptor_1 = TextAreaField("Beschrijving bij score 1", render_kw={"rows": 2})
    descriptor_2 = TextAreaField("Beschrijving bij score 2", render_kw={"rows": 2})
    descriptor_3 = TextAreaField("Beschrijving bij score 3", render_kw={"rows": 2})
    descriptor_4 = TextAreaField("Beschrijving bij score 4", render_kw={"rows": 2})
    descriptor_5 = TextAreaField("Beschrijving bij score 5", render_kw={"rows": 2})



# --- the structure editor ----------------------------------------------------------------------


@bp.app_template_global()
def part_label(number: int, title: str | None) -> str:
    """'Onderdeel 2: Zorg verlenen', or 'Onderdeel 2' alone for a part without a title of its own
    (older parts carry their number as title)."""
    name = f"Onderdeel {number}"
    return f"{name}: {title}" if title and title.strip() != name else name


def _exam_url(exam_id: int, anchor: str = "") -> str:
    return url_for("catalogue.exam", exam_id=exam_id) + (f"#{anchor}" if anchor else "")


@bp.route("/examens/<int:exam_id>/onderdelen/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/onderdelen/<int:part_id>/bewerken", methods=["GET", "POST"], endpoint="part_edit")
@catalogue_editors
def part_new(exam_id: int, part_id: int | None = None):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    part = view.part(part_id) if part_id else None
    if part_id and part is None:
        raise NotFound("Dit onderdeel bestaat niet.")
    form = PartForm(data={"title": part.title} if part and request.method != "POST" else None)

    def save() -> str:
        data = use_cases.PartData(form.title.data or "")
        if part:
            use_cases.update_part(container().uow(), actor(), exam_id, part.id, data)
            return _exam_url(exam_id, f"onderdeel-{part.id}")
        new_id = use_cases.add_part(container().uow(), actor(), exam_id, data)
        return _exam_url(exam_id, f"onderdeel-{new_id}")

    title = f"Onderdeel {part.number} bewerken" if part else f"Onderdeel {len(view.parts) + 1} toevoegen"
    return catalogue_form(
        form, save, title=title, crumbs=exam_crumbs(view) + [(title, None)], cancel_url=_exam_url(exam_id),
        helps={"title": "Bijvoorbeeld 'Zorg verlenen'. Onderdelen worden automatisch genummerd."},
    )


@bp.route("/examens/<int:exam_id>/onderdelen/<int:part_id>/verwijderen", methods=["POST"])
@catalogue_editors
def part_delete(exam_id: int, part_id: int):
    return post_action(
        lambda: use_cases.delete_part(container().uow(), actor(), exam_id, part_id),
        _exam_url(exam_id, "onderdelen"),
        success="Het onderdeel is verwijderd; de volgende onderdelen zijn opnieuw genummerd.",
    )


@bp.route("/examens/<int:exam_id>/kerntaken/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/kerntaken/<int:core_task_id>/bewerken", methods=["GET", "POST"], endpoint="core_task_edit")
@catalogue_editors
def core_task_new(exam_id: int, core_task_id: int | None = None):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    core_task = view.core_task(core_task_id) if core_task_id else None
    if core_task_id and core_task is None:
        raise NotFound("Deze kerntaak bestaat niet.")
    form = CoreTaskForm(data={"code": core_task.code, "title": core_task.title} if core_task and request.method != "POST" else None)

    def save() -> str:
        data = use_cases.CoreTaskData(form.code.data or "", form.title.data or "")
        if core_task:
            use_cases.update_core_task(container().uow(), actor(), exam_id, core_task.id, data)
        else:
            use_cases.add_core_task(container().uow(), actor(), exam_id, data)
        return _exam_url(exam_id, "kerntaken")

    title = f"Kerntaak {core_task.code} bewerken" if core_task else "Kerntaak toevoegen"
    return catalogue_form(
        form, save, title=title, crumbs=exam_crumbs(view) + [(title, None)], cancel_url=_exam_url(exam_id, "kerntaken"),
        helps={"code": "Bijvoorbeeld B1-K1."},
    )


@bp.route("/examens/<int:exam_id>/kerntaken/<int:core_task_id>/verwijderen", methods=["POST"])
@catalogue_editors
def core_task_delete(exam_id: int, core_task_id: int):
    return post_action(
        lambda: use_cases.delete_core_task(container().uow(), actor(), exam_id, core_task_id),
        _exam_url(exam_id, "kerntaken"),
        success="De kerntaak is verwijderd.",
    )


@bp.route("/examens/<int:exam_id>/werkprocessen/nieuw", methods=["GET", "POST"])
@bp.route(
    "/examens/<int:exam_id>/werkprocessen/<int:work_process_id>/bewerken", methods=["GET", "POST"], endpoint="work_process_edit"
)
@catalogue_editors
def work_process_new(exam_id: int, work_process_id: int | None = None):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    work_process = view.work_process(work_process_id) if work_process_id else None
    if work_process_id and work_process is None:
        raise NotFound("Dit werkproces bestaat niet.")
    if not view.core_tasks:
        flash("Voeg eerst een kerntaak toe: elk werkproces hoort bij een kerntaak.", "info")
        return redirect(_exam_url(exam_id, "kerntaken"))
    if work_process and request.method != "POST":
        form = WorkProcessForm(data={"core_task_id": str(work_process.core_task_id), "code": work_process.code, "title": work_process.title})
    else:
        form = WorkProcessForm(data=None if request.method == "POST" else {"core_task_id": request.args.get("kerntaak", "")})
    form.core_task_id.choices = [(str(c.id), f"{c.code} {c.title}".strip()) for c in view.core_tasks]

    def save() -> str:
        data = use_cases.WorkProcessData(int_or_none(form.core_task_id.data), form.code.data or "", form.title.data or "")
        if work_process:
            use_cases.update_work_process(container().uow(), actor(), exam_id, work_process.id, data)
        else:
            use_cases.add_work_process(container().uow(), actor(), exam_id, data)
        return _exam_url(exam_id, "kerntaken")

    title = f"Werkproces {work_process.code} bewerken" if work_process else "Werkproces toevoegen"
    return catalogue_form(
        form, save, title=title, crumbs=exam_crumbs(view) + [(title, None)], cancel_url=_exam_url(exam_id, "kerntaken"),
        helps={"code": "Bijvoorbeeld B1-K1-W1."},
    )


@bp.route("/examens/<int:exam_id>/werkprocessen/<int:work_process_id>/verwijderen", methods=["POST"])
@catalogue_editors
def work_process_delete(exam_id: int, work_process_id: int):
    return post_action(
        lambda: use_cases.delete_work_process(container().uow(), actor(), exam_id, work_process_id),
        _exam_url(exam_id, "kerntaken"),
        success="Het werkproces is verwijderd.",
    )


@bp.route("/examens/<int:exam_id>/criteria/nieuw", methods=["GET", "POST"])
@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/bewerken", methods=["GET", "POST"], endpoint="criterion_edit")
@catalogue_editors
def criterion_new(exam_id: int, criterion_id: int | None = None):
    view = views.exam_detail(container().uow(), actor(), exam_id)
    criterion = view.criterion(criterion_id) if criterion_id else None
    if criterion_id and criterion is None:
        raise NotFound("Dit criterium bestaat niet.")
    if not view.parts or not any(c.work_processes for c in view.core_tasks):
        flash("Voeg eerst een onderdeel en een kerntaak met een werkproces toe.", "info")
        return redirect(_exam_url(exam_id))
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
    form.part_id.choices = [(str(p.id), part_label(p.number, p.title)) for p in view.parts]
    form.work_process_id.choices = [
        (str(w.id), f"{w.code} {w.title}".strip()) for c in view.core_tasks for w in c.work_processes
    ]

    def save() -> str:
        data = use_cases.CriterionData(
            part_id=int_or_none(form.part_id.data),
            work_process_id=int_or_none(form.work_process_id.data),
            text=form.text.data or "",
            knock_out=bool(form.knock_out.data),
            descriptors={s: getattr(form, f"descriptor_{s}").data or "" for s in range(1, 6)},
        )
        if criterion:
            use_cases.update_criterion(container().uow(), actor(), exam_id, criterion.id, data)
        else:
            use_cases.add_criterion(container().uow(), actor(), exam_id, data)
        return _exam_url(exam_id, f"onderdeel-{data.part_id}")

    title = "Criterium bewerken" if criterion else "Criterium toevoegen"
    return catalogue_form(
        form, save, title=title, crumbs=exam_crumbs(view) + [(title, None)], cancel_url=_exam_url(exam_id, "onderdelen"),
        helps={"descriptor_1": "Optioneel: per score een korte beschrijving, zichtbaar tijdens het beoordelen."},
    )


@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/verwijderen", methods=["POST"])
@catalogue_editors
def criterion_delete(exam_id: int, criterion_id: int):
    return post_action(
        lambda: use_cases.delete_criterion(container().uow(), actor(), exam_id, criterion_id),
        _exam_url(exam_id, "onderdelen"),
        success="Het criterium is verwijderd.",
    )


@bp.route("/examens/<int:exam_id>/criteria/<int:criterion_id>/<any(omhoog, omlaag):direction>", methods=["POST"])
@catalogue_editors
def criterion_move(exam_id: int, criterion_id: int, direction: str):
    return post_action(
        lambda: use_cases.move_criterion(container().uow(), actor(), exam_id, criterion_id, -1 if direction == "omhoog" else 1),
        _exam_url(exam_id, f"criterium-{criterion_id}"),
        success="",
    )
