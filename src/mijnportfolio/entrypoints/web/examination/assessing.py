"""Assessing (manual 2.3, 2.4): the form with its 1-5 scores, drafts that save as the examiner
goes, the review ('Opslaan en definitief maken'), submitting ('Beoordeling insturen'), attachments
and the result page."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from mijnportfolio.application.examination import assessing as use_cases
from mijnportfolio.application.examination import documents, results
from mijnportfolio.domain.errors import ConcurrentModification, DomainError, NotFound, PermissionDenied
from mijnportfolio.domain.examination.assessment import AssessmentNotStartedYet

from ..support import actor, container, external_url
from ..views import EXPIRED, int_or_none
from . import bp


def _entries(form) -> dict[int, use_cases.Entry]:
    """The criteria as a form posts them: score-<id> (a radio) and justification-<id>."""
    ids = {int_or_none(key.split("-", 1)[1]) for key in form.keys() if key.startswith(("score-", "justification-"))}
    return {
        cid: use_cases.Entry(score=form.get(f"score-{cid}", ""), justification=form.get(f"justification-{cid}", ""))
        for cid in ids if cid is not None
    }


def _not_started(planning_id: int, exc: DomainError):
    flash(exc.message, "warning")
    return redirect(url_for("examination.view_assessment", planning_id=planning_id))


@bp.route("/beoordelingen/<int:planning_id>", methods=["GET", "POST"])
@login_required
def assess(planning_id: int):
    c = container()
    a = actor()
    errors: dict[str, str] = {}
    error = None
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            error, status = EXPIRED, 400
        else:
            try:
                use_cases.save_draft(c.uow(), a, c.clock(), planning_id, _entries(request.form),
                                     expected_version=int_or_none(request.form.get("version")))
            except AssessmentNotStartedYet as exc:
                return _not_started(planning_id, exc)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                errors = dict(getattr(exc, "by_field", None) or {exc.field or "": exc.message})
                error = errors.pop("", None) or "Niet opgeslagen: verbeter de gemarkeerde criteria."
                status = 409 if isinstance(exc, ConcurrentModification) else 422
            else:
                if request.form.get("next_step") == "review":
                    return redirect(url_for("examination.review", planning_id=planning_id))
                flash("De beoordeling is opgeslagen (nog niet definitief).", "success")
                return redirect(url_for("examination.assess", planning_id=planning_id))
    try:
        view = use_cases.assessment_form(c.uow(), a, c.clock(), planning_id)
    except AssessmentNotStartedYet as exc:
        return _not_started(planning_id, exc)
    return render_template("examination/assess.html", view=view, errors=errors, error=error, posted=request.form
                           if request.method == "POST" else None), status


@bp.route("/beoordelingen/<int:planning_id>/concept", methods=["POST"])
@login_required
def save_draft(planning_id: int):
    """Autosave from the form (JSON); answers what was saved, or why not."""
    payload = request.get_json(silent=True) or {}
    raw = payload.get("entries") if isinstance(payload, dict) else None
    if not isinstance(raw, dict):
        return jsonify(ok=False, message="Ongeldig verzoek."), 400
    entries = {}
    for key, value in raw.items():
        cid = int_or_none(key)
        if cid is None or not isinstance(value, dict):
            return jsonify(ok=False, message="Ongeldig verzoek."), 400
        entries[cid] = use_cases.Entry(score=str(value.get("score") or ""), justification=str(value.get("justification") or ""))
    c = container()
    try:
        saved = use_cases.save_draft(c.uow(), actor(), c.clock(), planning_id, entries,
                                     expected_version=int_or_none(payload.get("version")))
    except (NotFound, PermissionDenied):
        raise
    except ConcurrentModification as exc:
        return jsonify(ok=False, message=exc.message, conflict=True), 409
    except DomainError as exc:
        fields = dict(getattr(exc, "by_field", None) or {exc.field or "": exc.message})
        return jsonify(ok=False, message=exc.message, fields=fields), 422
    from mijnportfolio.domain.examination.local_time import format_time

    return jsonify(ok=True, version=saved.version, saved_at=format_time(saved.saved_at), changed=saved.changed)


@bp.route("/beoordelingen/<int:planning_id>/controle")
@login_required
def review(planning_id: int):
    c = container()
    try:
        view = use_cases.assessment_form(c.uow(), actor(), c.clock(), planning_id)
    except AssessmentNotStartedYet as exc:
        return _not_started(planning_id, exc)
    return render_template("examination/review.html", view=view, errors={}, error=None)


@bp.route("/beoordelingen/<int:planning_id>/insturen", methods=["POST"])
@login_required
def submit(planning_id: int):
    c = container()
    a = actor()
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(url_for("examination.review", planning_id=planning_id))
    try:
        done = use_cases.submit_assessment(
            c.uow(), a, c.clock(), planning_id, confirmed=request.form.get("confirm") == "1",
            result_url=lambda attempt_id: external_url("examination.result", attempt_id=attempt_id),
        )
    except AssessmentNotStartedYet as exc:
        return _not_started(planning_id, exc)
    except (NotFound, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied) and exc.message != PermissionDenied.default_message:
            view = use_cases.assessment_form(c.uow(), a, c.clock(), planning_id)
            return render_template("examination/review.html", view=view, errors={}, error=exc.message), 403
        raise
    except DomainError as exc:
        errors = dict(getattr(exc, "by_field", None) or {exc.field or "": exc.message})
        view = use_cases.assessment_form(c.uow(), a, c.clock(), planning_id)
        message = errors.pop("", None) or exc.message
        return render_template("examination/review.html", view=view, errors=errors, error=message), 422
    if done.already:
        flash("Deze beoordeling was al ingestuurd; er is niets veranderd.", "info")
    elif done.attempt_complete:
        flash(f"De beoordeling is ingestuurd en definitief. Uitslag van poging: {done.outcome.label}.", "success")
    else:
        flash("De beoordeling van dit onderdeel is ingestuurd en definitief.", "success")
    return redirect(url_for("examination.result", attempt_id=done.attempt_id))


@bp.route("/beoordelingen/<int:planning_id>/bekijken")
@login_required
def view_assessment(planning_id: int):
    c = container()
    view = use_cases.view_assessment(c.uow(), actor(), c.clock(), planning_id)
    return render_template("examination/view_assessment.html", view=view, now=c.clock().now())


@bp.route("/beoordelingen/<int:planning_id>/bijlagen", methods=["POST"])
@login_required
def attach(planning_id: int):
    c = container()
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(url_for("examination.assess", planning_id=planning_id))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Kies een bestand om toe te voegen.", "warning")
        return redirect(url_for("examination.assess", planning_id=planning_id))
    data = upload.stream.read(use_cases.MAX_FILE_BYTES + 1)
    try:
        name = use_cases.attach_file(c.uow(), actor(), c.clock(), c.file_store(), c.file_inspector(), planning_id,
                                     upload.filename, data)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"Bestand {name} is toegevoegd aan de beoordeling.", "success")
    return redirect(url_for("examination.assess", planning_id=planning_id) + "#bijlagen")


@bp.route("/bijlagen/<int:file_id>")
@login_required
def attachment(file_id: int):
    c = container()
    found = use_cases.download_file(c.uow(), actor(), c.file_store(), file_id)
    safe = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in found.filename)
    return Response(found.data, mimetype=found.content_type,
                    headers={"Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff"})


@bp.route("/pogingen/<int:attempt_id>/resultaat")
@login_required
def result(attempt_id: int):
    c = container()
    page = results.result_page(c.uow(), actor(), c.clock(), attempt_id)
    return render_template("examination/result.html", page=page, result_url=external_url("examination.result", attempt_id=attempt_id))


def _pdf(document) -> Response:
    name = documents.PdfName(document.kind, document.exam_code, document.student_number, document.attempt_number)
    return Response(container().pdf_writer().write(document), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/beoordelingen/<int:planning_id>/formulier.pdf")
@login_required
def assessment_form_pdf(planning_id: int):
    c = container()
    return _pdf(documents.blank_form(c.uow(), actor(), c.clock(), planning_id))


@bp.route("/pogingen/<int:attempt_id>/resultaat.pdf")
@login_required
def result_pdf(attempt_id: int):
    c = container()
    return _pdf(documents.result_document(c.uow(), actor(), c.clock(), attempt_id))
