"""The planning screen (manual 2.2): plan the parts of an exam, a retake (2.5), cancel a part."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from mijnportfolio.application.examination import planning as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from ..support import actor, container
from ..views import EXPIRED, int_or_none, local_target
from . import bp

PART_FIELDS = ("plan", "start", "end", "location", "examiner1_id", "examiner2_id", "examiner2_may_submit",
               "copy_previous", "copy_previous_location")


def _part_requests(form: use_cases.PlanningForm) -> tuple[use_cases.PartRequest, ...]:
    data = request.form
    requests = []
    for index, part in enumerate(form.parts):
        def value(name: str) -> str:
            return (data.get(f"parts-{index}-{name}") or "").strip()

        requests.append(
            use_cases.PartRequest(
                part_id=part.part_id,
                plan=value("plan") == "1",
                start=value("start"),
                end=value("end"),
                location=value("location"),
                examiner1_id=int_or_none(value("examiner1_id")),
                examiner2_id=int_or_none(value("examiner2_id")),
                examiner2_may_submit=value("examiner2_may_submit") == "1",
                copy_previous=index > 0 and value("copy_previous") == "1",
                copy_previous_location=index > 0 and value("copy_previous_location") == "1",
            )
        )
    return tuple(requests)


def _submitted(form: use_cases.PlanningForm) -> list[dict]:
    """The values as posted, to show the form again exactly as the planner left it."""
    data = request.form
    return [
        {name: (data.get(f"parts-{index}-{name}") or "") for name in PART_FIELDS}
        for index in range(len(form.parts))
    ]


def _initial(form: use_cases.PlanningForm) -> list[dict]:
    values = []
    for part in form.parts:
        values.append({
            "plan": "1" if part.planning_id is not None or len(form.parts) == 1 else "",
            "start": part.start, "end": part.end, "location": part.location,
            "examiner1_id": str(part.examiner1_id or ""), "examiner2_id": str(part.examiner2_id or ""),
            "examiner2_may_submit": "1" if part.examiner2_may_submit else "",
            "copy_previous": "", "copy_previous_location": "",
        })
    return values


@bp.route("/studenten/<int:student_id>/examens/<int:exam_id>/inplannen", methods=["GET", "POST"])
@login_required
def plan(student_id: int, exam_id: int):
    c = container()
    a = actor()
    retake = request.values.get("herkansing") == "1"
    back = local_target(request.values.get("next"), url_for("examination.overview"))
    try:
        form = use_cases.planning_form(c.uow(), c.overview_query(), a, c.clock(), student_id, exam_id, retake=retake)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        # Nothing to plan (a passed exam, a failed one without a retake, the maximum reached).
        flash(exc.message, "warning")
        return redirect(back)
    values = _initial(form)
    errors: dict[str, str] = {}
    error = None
    conflicts: tuple = ()
    status = 200
    if request.method == "POST":
        values = _submitted(form)
        if not FlaskForm().validate_on_submit():
            error, status = EXPIRED, 400
        else:
            try:
                outcome = use_cases.plan_exam(
                    c.uow(), a, c.clock(), c.calendar(),
                    use_cases.PlanRequest(
                        student_id=student_id, exam_id=exam_id, parts=_part_requests(form), retake=retake,
                        accept_conflicts=request.form.get("accept_conflicts") == "1",
                    ),
                )
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                errors = dict(getattr(exc, "by_field", None) or {exc.field or "": exc.message})
                error = errors.pop("", None) or ("De planning is niet opgeslagen: verbeter de gemarkeerde velden." if errors else exc.message)
                status = 422
            else:
                if outcome.saved:
                    what = "De herkansing is ingepland" if retake else "Het examen is ingepland"
                    if outcome.planned:
                        parts = ", ".join(str(n) for n in outcome.planned)
                        flash(f"{what}: {form.exam_code} voor {form.student_name}, poging {outcome.attempt_number}, "
                              f"onderdeel {parts}. De examinator(en) en de student krijgen een bevestiging per e-mail.",
                              "success")
                    else:
                        flash("Er is niets gewijzigd aan de planning.", "info")
                    return redirect(back)
                conflicts = outcome.conflicts
                status = 409
    return render_template(
        "examination/planning.html", form=form, values=values, errors=errors, error=error, conflicts=conflicts,
        back=back, retake=retake, csrf_form=FlaskForm(),
    ), status


@bp.route("/planningen/<int:planning_id>/annuleren", methods=["POST"])
@login_required
def cancel(planning_id: int):
    c = container()
    back = local_target(request.form.get("next") or request.args.get("next"), url_for("examination.overview"))
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(back)
    try:
        use_cases.cancel_planning(c.uow(), actor(), c.clock(), c.calendar(), planning_id)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("De planning van dit onderdeel is geannuleerd. De examinator(en) en de student krijgen bericht.", "success")
    return redirect(back)
