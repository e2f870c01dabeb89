"""Corrections by decision of the examencommissie, the audit trail and the calibration report (admins)."""

from __future__ import annotations

import csv
import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from mijnportfolio.application.examination import corrections as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied
from mijnportfolio.domain.examination import local_time
from mijnportfolio.domain.permissions import Permission
from mijnportfolio.domain.students import neutralise_formula

from ..support import actor, container, page_args, permission_required
from ..views import EXPIRED
from . import bp


@bp.route("/beoordelingen/definitief/<int:assessment_id>/corrigeren", methods=["GET", "POST"])
@permission_required(Permission.CORRECT_RESULTS)
def correct(assessment_id: int):
    c = container()
    form = use_cases.correction_form(c.uow(), actor(), assessment_id)
    errors: dict[str, str] = {}
    error = None
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            error, status = EXPIRED, 400
        else:
            changes = {}
            for line in form.lines:
                raw = (request.form.get(f"score-{line.id}") or "").strip()
                text = request.form.get(f"justification-{line.id}") or ""
                if raw != (str(line.score) if line.score else "") or text.strip() != line.justification:
                    changes[line.id] = (raw, text)
            decision = use_cases.Decision(
                date=request.form.get("decision_date") or "", reference=request.form.get("decision_reference") or "",
                reason=request.form.get("decision_reason") or "",
            )
            try:
                done = use_cases.correct_assessment(c.uow(), actor(), c.clock(), assessment_id, changes, decision)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                errors = dict(getattr(exc, "by_field", None) or {exc.field or "": exc.message})
                error = errors.pop("", None) or "De correctie is niet opgeslagen: verbeter de gemarkeerde velden."
                status = 422
            else:
                flash(f"De correctie is vastgelegd ({done.changed} {'score' if done.changed == 1 else 'scores'}). "
                      f"Uitslag: {done.outcome.label}. De student krijgt bericht.", "success")
                return redirect(url_for("examination.result", attempt_id=done.attempt_id))
    return render_template("examination/correct.html", form=form, errors=errors, error=error,
                           posted=request.form if request.method == "POST" else None), status


@bp.route("/beheer/correcties")
@permission_required(Permission.CORRECT_RESULTS)
def audit():
    page, per_page = page_args()
    rows, total = use_cases.audit_trail(container().assessment_queries(), actor(), page=page, per_page=per_page)
    return render_template("examination/audit.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // per_page)))


def _csv(header: list[str], rows: list[list[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_formula("" if v is None else str(v)) for v in row])
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/beheer/correcties.csv")
@permission_required(Permission.CORRECT_RESULTS)
def audit_csv():
    rows = use_cases.audit_export(container().assessment_queries(), actor())
    return _csv(
        ["Gecorrigeerd op", "Door", "Student", "Studentnummer", "Examen", "Poging", "Onderdeel", "Besluit (datum)",
         "Kenmerk", "Reden", "Criterium", "Voor", "Na"],
        [[local_time.format_moment(r.corrected_at), r.corrected_by, r.student_name, r.student_number, r.exam_code,
          r.attempt_number, r.part_number, f"{r.decision_date:%d-%m-%Y}", r.decision_reference, r.reason, criterion, before, after]
         for r in rows for criterion, before, after in (r.changes or (("", "", ""),))],
        "correcties.csv",
    )


@bp.route("/beheer/kalibratie")
@permission_required(Permission.CORRECT_RESULTS)
def calibration():
    rows = use_cases.calibration(container().assessment_queries(), actor())
    return render_template("examination/calibration.html", rows=rows)


@bp.route("/beheer/kalibratie.csv")
@permission_required(Permission.CORRECT_RESULTS)
def calibration_csv():
    rows = use_cases.calibration(container().assessment_queries(), actor())

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", ",")

    return _csv(
        ["Examinator", "Beoordelingen", "Scores", "Gemiddelde", "Spreiding", "Dubbel beoordeeld",
         "Overeenstemming (≤ 1 punt)", "Gelijk", "Gemiddeld verschil"],
        [[r.examiner_name, r.assessments, r.scores, number(r.mean), number(r.spread), r.paired,
          number(r.agreement), number(r.exact), number(r.mean_difference)] for r in rows],
        "kalibratie.csv",
    )



