"""Blueprint 'imports': the student import wizard behind 'Importeren' (manual 1.3, product.md 4.3).

Steps, each a reloadable URL with the run's id: start (file) -> kolommen (mapping) -> keuzes
(ambiguities) -> controle (preview, 'Importeer studenten') -> resultaat. The state lives in the
import_sessions table and the file in the file store; all logic is in application/imports/.
"""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SubmitField

from mijnportfolio.application.imports import wizard as use_cases
from mijnportfolio.application.imports.state import ImportResult
from mijnportfolio.application.ports.imports import TabularReader
from mijnportfolio.domain.errors import DomainError
from mijnportfolio.domain.imports import FIELDS, GroupChoiceRequired
from mijnportfolio.domain.permissions import Permission, is_allowed

from .support import actor, container, external_url

bp = Blueprint("imports", __name__, url_prefix="/importeren")

STEPS = ("mapping", "resolve", "preview", "done")
STEP_ENDPOINTS = {
    "mapping": "imports.mapping",
    "resolve": "imports.resolve",
    "preview": "imports.preview",
    "done": "imports.result",
}
NO_COLUMN = "-"


def _reader() -> TabularReader:
    return container().tabular_reader()


def _require_import_rights() -> None:
    if not is_allowed(actor(), Permission.MANAGE_STUDENTS, organisation_id=current_user.organisation_id):
        abort(403)


class StartForm(FlaskForm):
    organisation_id = SelectField("Organisatie", coerce=str, validate_choice=False)
    file = FileField("Bestand")
    submit = SubmitField("Volgende")


class PreviewForm(FlaskForm):
    existing = RadioField(
        "Studenten met een bestaand studentnummer",
        choices=[("skip", "Overslaan (niet wijzigen)"), ("update", "Bijwerken met de gegevens uit het bestand")],
        default="skip",
    )
    invite = BooleanField("Stuur nieuwe studenten een uitnodiging")
    submit = SubmitField("Importeer studenten")
    apply = SubmitField("Keuze opslaan")  # only offered when the choice decides whether anything is imported


class StepForm(FlaskForm):
    submit = SubmitField("Volgende")


def _step_url(view: use_cases.SessionView) -> str:
    return url_for(STEP_ENDPOINTS[view.step], session_id=view.id)


def _guard(view: use_cases.SessionView, step: str) -> ResponseReturnValue | None:
    """Redirect when the run is not (yet) at this step: a later step needs the earlier ones."""
    if view.step == "done" and step != "done":
        return redirect(url_for("imports.result", session_id=view.id))
    if STEPS.index(step) > STEPS.index(view.step):
        return redirect(_step_url(view))
    return None


@bp.route("/", methods=["GET", "POST"])
@login_required
def start() -> ResponseReturnValue:
    _require_import_rights()
    c = container()
    form = StartForm()
    organisations = use_cases.organisations_for_import(c.uow(), actor())
    form.organisation_id.choices = [("", "Kies een organisatie")] + [(str(i), n) for i, n in organisations]
    if not current_user.is_admin and current_user.organisation_id:
        form.organisation_id.data = str(current_user.organisation_id)
    error = None
    if request.method == "POST" and form.validate_on_submit():
        upload = form.file.data
        try:
            organisation_id = int(form.organisation_id.data) if form.organisation_id.data else None
        except ValueError:
            organisation_id = None
        if organisation_id is None:
            form.organisation_id.errors = ["Kies een organisatie."]
        elif upload is None or not getattr(upload, "filename", ""):
            form.file.errors = ["Kies een CSV- of Excel-bestand."]
        else:
            data = upload.read(12 * 1024 * 1024 + 1)
            try:
                session_id = use_cases.start_import(
                    c.uow(), actor(), c.clock(), c.file_store(), _reader(),
                    organisation_id=organisation_id, filename=upload.filename, data=data,
                )
            except DomainError as exc:
                if exc.field == "organisation_id":
                    form.organisation_id.errors = [exc.message]
                else:
                    form.file.errors = [exc.message]
            else:
                return redirect(url_for("imports.mapping", session_id=session_id))
    elif request.method == "POST":
        error = "Het formulier is verlopen. Kies het bestand opnieuw."
    return render_template(
        "imports/start.html", form=form, error=error, show_organisation=current_user.is_admin,
        fields=FIELDS, step=1,
    )


@bp.route("/<session_id>/kolommen", methods=["GET", "POST"])
@login_required
def mapping(session_id: str) -> ResponseReturnValue:
    _require_import_rights()
    c = container()
    view = use_cases.get_session(c.uow(), actor(), session_id, file_store=c.file_store(), reader=_reader())
    if (response := _guard(view, "mapping")) is not None:
        return response
    form = StepForm()
    error = None
    selected = {k: (str(v) if v is not None else NO_COLUMN) for k, v in view.mapping.items()}
    if form.validate_on_submit():
        chosen: dict[str, int | None] = {}
        for f in FIELDS:
            raw = request.form.get(f"map-{f.key}", NO_COLUMN)
            selected[f.key] = raw
            chosen[f.key] = int(raw) if raw.isdigit() else None
        try:
            step = use_cases.save_mapping(c.uow(), actor(), c.clock(), c.file_store(), _reader(), session_id, chosen)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(url_for(STEP_ENDPOINTS[step], session_id=session_id))
    return render_template(
        "imports/mapping.html", view=view, form=form, fields=FIELDS, selected=selected, error=error,
        no_column=NO_COLUMN, step=2,
    ), (400 if error else 200)


@bp.route("/<session_id>/keuzes", methods=["GET", "POST"])
@login_required
def resolve(session_id: str) -> ResponseReturnValue:
    _require_import_rights()
    c = container()
    view = use_cases.get_session(c.uow(), actor(), session_id)
    if (response := _guard(view, "resolve")) is not None:
        return response
    form = StepForm()
    ambiguities = use_cases.list_ambiguities(c.uow(), actor(), c.file_store(), _reader(), session_id)
    submitted: dict[str, str] = {}
    error = None
    if form.validate_on_submit():
        submitted = {a.key: request.form[a.key] for a in ambiguities if a.key in request.form}
        # A select missing from the form keeps its current choice.
        choices = {a.key: submitted.get(a.key, a.choice or "") for a in ambiguities}
        try:
            use_cases.save_resolutions(c.uow(), actor(), c.clock(), c.file_store(), _reader(), session_id, choices)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(url_for("imports.preview", session_id=session_id))
    return render_template(
        "imports/resolve.html", view=view, form=form, ambiguities=ambiguities, submitted=submitted,
        error=error, step=3,
    ), (400 if error else 200)


def _back_to_choices(session_id: str, error: GroupChoiceRequired) -> ResponseReturnValue:
    # A run started before unknown groups needed a choice, or changed in another tab.
    flash(error.message, "danger")
    return redirect(url_for("imports.resolve", session_id=session_id))


@bp.route("/<session_id>/controle", methods=["GET", "POST"])
@login_required
def preview(session_id: str) -> ResponseReturnValue:
    _require_import_rights()
    c = container()
    view = use_cases.get_session(c.uow(), actor(), session_id)
    if (response := _guard(view, "preview")) is not None:
        return response
    form = PreviewForm()
    if request.method == "GET":
        form.existing.data = "update" if view.update_existing else "skip"
        form.invite.data = view.invite
    refused = False
    if form.validate_on_submit():
        update_existing = form.existing.data == "update"
        try:
            if form.apply.data:
                use_cases.set_options(c.uow(), actor(), c.clock(), session_id,
                                      update_existing=update_existing, invite=bool(form.invite.data))
                return redirect(url_for("imports.preview", session_id=session_id))
            use_cases.run_import(
                c.uow(), actor(), c.clock(), c.file_store(), _reader(), session_id,
                update_existing=update_existing, invite=bool(form.invite.data),
                invitation_url=lambda token: external_url("auth.reset_password", token=token),
            )
        except GroupChoiceRequired as exc:
            return _back_to_choices(session_id, exc)
        except DomainError as exc:
            flash(exc.message, "danger")
            refused = True
        else:
            return redirect(url_for("imports.result", session_id=session_id))
    try:
        result = use_cases.preview(c.uow(), actor(), c.file_store(), _reader(), session_id)
    except GroupChoiceRequired as exc:
        return _back_to_choices(session_id, exc)
    return render_template("imports/preview.html", view=view, form=form, preview=result, step=4,
                           has_ambiguities=view.step != "mapping"), (400 if refused else 200)


@bp.route("/<session_id>/resultaat")
@login_required
def result(session_id: str) -> ResponseReturnValue:
    _require_import_rights()
    c = container()
    view = use_cases.get_session(c.uow(), actor(), session_id)
    if view.step != "done":
        return redirect(_step_url(view))
    outcome = view.result or ImportResult(created=0, updated=0, skipped=0, errors=())
    return render_template("imports/result.html", view=view, result=outcome, step=5)


@bp.route("/<session_id>/annuleren", methods=["POST"])
@login_required
def cancel(session_id: str) -> ResponseReturnValue:
    _require_import_rights()
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)
    c = container()
    use_cases.cancel_import(c.uow(), actor(), c.file_store(), session_id)
    flash("De import is afgebroken; het bestand is verwijderd.", "info")
    return redirect(url_for("imports.start"))


# ------------------------------------------------------------------------------------------
# Example files, generated so that their headers are exactly what the wizard recognises
# ------------------------------------------------------------------------------------------

EXAMPLE_HEADERS = [f.label for f in FIELDS]
EXAMPLE_ROWS = [
    ["000123", "Sanne", "van der", "Berg", "sanne.vanderberg@example.nl", "Verzorgende-IG",
     "begeleider@demo.nl", "opleider@demo.nl", "VIG-1A", "2025"],
    ["000124", "Daniël", "", "Çelik", "daniel.celik@example.nl", "25491",
     "Bas de Begeleider", "", "VIG-1A, BOL", "2025"],
]


@bp.route("/voorbeeld.<fmt>")
@login_required
def example(fmt: str) -> ResponseReturnValue:
    _require_import_rights()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(EXAMPLE_HEADERS)
        writer.writerows(EXAMPLE_ROWS)
        data = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8
        mimetype = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Studenten"
        sheet.append(EXAMPLE_HEADERS)
        for row in EXAMPLE_ROWS:
            sheet.append(row)
        for cell in sheet["A"]:
            cell.number_format = "@"  # student numbers are text: keep the leading zeros
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return Response(
        data, mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="voorbeeld-studenten.{fmt}"'},
    )
