"""Vragenlijsten (manual 1.2.1): admins make, edit and assign them; students answer them; staff
read the responses of the students they may see, with a summary and an Excel/CSV export."""

from __future__ import annotations

import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField

from mijnportfolio.adapters.export_questionnaires import responses_csv, responses_xlsx
from mijnportfolio.application import questionnaires as use_cases
from mijnportfolio.domain.errors import DomainError, FieldsInvalid, NotFound, PermissionDenied
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Permission
from mijnportfolio.domain.questionnaires import (
    DESCRIPTION_MAX_LENGTH,
    KIND_LABELS,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AlreadySubmitted,
    DeadlinePassed,
    QuestionKind,
    answer_field,
)

from .forms import ConfirmForm
from .support import actor, container, permission_required
from .views import EXPIRED, Required, form_page, int_or_none, post_action

bp = Blueprint("questionnaires", __name__)

editors = permission_required(Permission.EDIT_QUESTIONNAIRES)


def _detail_url(questionnaire_id: int) -> str:
    return url_for("questionnaires.detail", questionnaire_id=questionnaire_id)


# -- the list -------------------------------------------------------------------------------------


@bp.route("/vragenlijsten")
@login_required
def index():
    c = container()
    a = actor()
    if a.role is Role.STUDENT:
        items = use_cases.my_questionnaires(c.questionnaire_query(), a, c.clock())
        return render_template("questionnaires/student_list.html", items=items)
    rows = use_cases.list_questionnaires(c.questionnaire_query(), a)
    return render_template(
        "questionnaires/index.html", rows=rows, can_edit=use_cases.may_edit_questionnaires(a),
    )


# -- admins: the questionnaire and its questions ------------------------------------------------------


class QuestionnaireForm(FlaskForm):
    title = StringField("Titel", validators=[Required()], render_kw={"maxlength": TITLE_MAX_LENGTH})
    description = TextAreaField(
        "Omschrijving", render_kw={"rows": 4, "maxlength": DESCRIPTION_MAX_LENGTH}
    )
    version = HiddenField()
    submit = SubmitField("Opslaan")

    def data_for_use_case(self) -> use_cases.QuestionnaireData:
        return use_cases.QuestionnaireData(title=self.title.data, description=self.description.data)


@bp.route("/vragenlijsten/nieuw", methods=["GET", "POST"])
@editors
def create():
    form = QuestionnaireForm()
    del form.version

    def save() -> str:
        c = container()
        questionnaire_id = use_cases.create_questionnaire(c.uow(), actor(), c.clock(), form.data_for_use_case())
        return _detail_url(questionnaire_id)

    return form_page(
        form, save, template="questionnaires/form.html", success="De vragenlijst is aangemaakt. Voeg nu de vragen toe.",
        title="Vragenlijst toevoegen", cancel=url_for("questionnaires.index"),
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>")
@login_required
def detail(questionnaire_id: int):
    a = actor()
    if a.role is Role.STUDENT:
        return redirect(url_for("questionnaires.answer", questionnaire_id=questionnaire_id))
    if not use_cases.may_edit_questionnaires(a):
        return redirect(url_for("questionnaires.responses", questionnaire_id=questionnaire_id))
    c = container()
    questionnaire = use_cases.get_questionnaire(c.uow(), a, questionnaire_id)
    return render_template(
        "questionnaires/detail.html", q=questionnaire,
        assignments=use_cases.assignments(c.questionnaire_query(), a, questionnaire_id),
        confirm_form=ConfirmForm(),
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/bewerken", methods=["GET", "POST"])
@editors
def edit(questionnaire_id: int):
    c = container()
    current = use_cases.get_questionnaire(c.uow(), actor(), questionnaire_id)
    form = QuestionnaireForm(
        data={"title": current.title, "description": current.description or "", "version": str(current.version)}
        if request.method == "GET" else None
    )

    def save() -> str:
        use_cases.update_questionnaire(
            c.uow(), actor(), questionnaire_id, form.data_for_use_case(),
            expected_version=int_or_none(form.version.data),
        )
        return _detail_url(questionnaire_id)

    return form_page(
        form, save, template="questionnaires/form.html", success="De vragenlijst is opgeslagen.",
        title="Vragenlijst bewerken", cancel=_detail_url(questionnaire_id),
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/verwijderen", methods=["POST"])
@editors
def delete(questionnaire_id: int):
    # Not post_action: after a deletion the detail page is gone, so success goes to the list.
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(_detail_url(questionnaire_id))
    try:
        title = use_cases.delete_questionnaire(container().uow(), actor(), questionnaire_id)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(_detail_url(questionnaire_id))
    flash(f"De vragenlijst '{title}' is verwijderd.", "success")
    return redirect(url_for("questionnaires.index"))


class QuestionForm(FlaskForm):
    kind = SelectField(
        "Soort vraag", validators=[Required()], validate_choice=False,
        choices=[("", "— kies de soort vraag —")] + [(k.value, label) for k, label in KIND_LABELS.items()],
    )
    text = TextAreaField("Vraag", validators=[Required()], render_kw={"rows": 3, "maxlength": QUESTION_MAX_LENGTH})
    options = TextAreaField("Antwoordmogelijkheden", render_kw={"rows": 5})
    submit = SubmitField("Opslaan")

    def data_for_use_case(self) -> use_cases.QuestionData:
        return use_cases.QuestionData(kind=self.kind.data, text=self.text.data, options=self.options.data)


OPTIONS_HELP = (
    "Alleen bij een meerkeuzevraag: één antwoordmogelijkheid per regel (minstens twee). De student kiest er één."
)


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/nieuw", methods=["GET", "POST"])
@editors
def add_question(questionnaire_id: int):
    c = container()
    questionnaire = use_cases.get_questionnaire(c.uow(), actor(), questionnaire_id)
    form = QuestionForm()

    def save() -> str:
        use_cases.add_question(c.uow(), actor(), questionnaire_id, form.data_for_use_case())
        return _detail_url(questionnaire_id)

    return form_page(
        form, save, template="questionnaires/question_form.html", success="De vraag is toegevoegd.",
        title="Vraag toevoegen", q=questionnaire, options_help=OPTIONS_HELP, locked=questionnaire.answered,
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<int:question_id>/bewerken", methods=["GET", "POST"])
@editors
def edit_question(questionnaire_id: int, question_id: int):
    c = container()
    questionnaire = use_cases.get_questionnaire(c.uow(), actor(), questionnaire_id)
    current = use_cases.get_question(c.uow(), actor(), questionnaire_id, question_id)
    form = QuestionForm(
        data={"kind": current.kind.value, "text": current.text, "options": "\n".join(current.options)}
        if request.method == "GET" else None
    )

    def save() -> str:
        use_cases.update_question(c.uow(), actor(), questionnaire_id, question_id, form.data_for_use_case())
        return _detail_url(questionnaire_id)

    return form_page(
        form, save, template="questionnaires/question_form.html", success="De vraag is opgeslagen.",
        title=f"Vraag {current.number} bewerken", q=questionnaire, options_help=OPTIONS_HELP,
        locked=questionnaire.answered,
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<int:question_id>/verwijderen", methods=["POST"])
@editors
def delete_question(questionnaire_id: int, question_id: int):
    def run() -> str:
        use_cases.delete_question(container().uow(), actor(), questionnaire_id, question_id)
        return "De vraag is verwijderd."

    return post_action(run, _detail_url(questionnaire_id))


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<int:question_id>/omhoog", methods=["POST"])
@editors
def move_up(questionnaire_id: int, question_id: int):
    def run() -> None:
        use_cases.move_question(container().uow(), actor(), questionnaire_id, question_id, -1)

    return post_action(run, _detail_url(questionnaire_id))


@bp.route("/vragenlijsten/<int:questionnaire_id>/vragen/<int:question_id>/omlaag", methods=["POST"])
@editors
def move_down(questionnaire_id: int, question_id: int):
    def run() -> None:
        use_cases.move_question(container().uow(), actor(), questionnaire_id, question_id, 1)

    return post_action(run, _detail_url(questionnaire_id))


# -- admins: assigning ------------------------------------------------------------------------------


class AssignForm(FlaskForm):
    student_ids = SelectMultipleField(
        "Studenten", validate_choice=False, coerce=str, render_kw={"size": 8, "data-multi-filter": "Studenten filteren"}
    )
    group_ids = SelectMultipleField(
        "Deelnemergroepen", validate_choice=False, coerce=str,
        render_kw={"size": 6, "data-multi-filter": "Deelnemergroepen filteren"},
    )
    deadline = StringField(
        "Deadline", render_kw={"placeholder": "dd-mm-jjjj", "inputmode": "numeric", "autocomplete": "off"}
    )
    submit = SubmitField("Toewijzen")


def _ids(values: list[str] | None) -> tuple[int, ...]:
    return tuple(i for i in (int_or_none(v) for v in (values or [])[:5000]) if i is not None)


@bp.route("/vragenlijsten/<int:questionnaire_id>/toewijzen", methods=["GET", "POST"])
@editors
def assign(questionnaire_id: int):
    c = container()
    a = actor()
    questionnaire = use_cases.get_questionnaire(c.uow(), a, questionnaire_id)
    choices = use_cases.assignment_choices(c.questionnaire_query(), a)
    form = AssignForm()
    form.student_ids.choices = [(str(o.value), o.label) for o in choices.students]
    form.group_ids.choices = [(str(o.value), o.label) for o in choices.groups]
    outcome: dict[str, use_cases.AssignResult] = {}

    def save() -> str:
        outcome["result"] = use_cases.assign(
            c.uow(), a, c.clock(), questionnaire_id,
            use_cases.AssignmentData(
                student_ids=_ids(form.student_ids.data), group_ids=_ids(form.group_ids.data),
                deadline=form.deadline.data,
            ),
        )
        return _detail_url(questionnaire_id)

    def saved() -> str:
        result = outcome["result"]
        parts = []
        if result.added:
            parts.append(f"{result.added} {'toewijzing' if result.added == 1 else 'toewijzingen'} toegevoegd")
        if result.updated:
            parts.append(f"{result.updated} bijgewerkt (nieuwe deadline)")
        return "Toegewezen: " + " en ".join(parts) + "."

    return form_page(
        form, save, template="questionnaires/assign.html", success=saved, title="Vragenlijst toewijzen",
        q=questionnaire,
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/toewijzingen/<int:assignment_id>/verwijderen", methods=["POST"])
@editors
def unassign(questionnaire_id: int, assignment_id: int):
    def run() -> str:
        use_cases.unassign(container().uow(), actor(), questionnaire_id, assignment_id)
        return "De toewijzing is verwijderd. Antwoorden die al gegeven zijn blijven bewaard."

    return post_action(run, _detail_url(questionnaire_id))


# -- students: answering ----------------------------------------------------------------------------

_ANSWER_NAME = re.compile(r"^q(\d{1,12})$")


def _posted_answers() -> dict[int, str]:
    found: dict[int, str] = {}
    for name, value in request.form.items():
        match = _ANSWER_NAME.match(name)
        if match:
            found[int(match.group(1))] = value
    return found


@bp.route("/vragenlijsten/<int:questionnaire_id>/invullen", methods=["GET", "POST"])
@login_required
def answer(questionnaire_id: int):
    c = container()
    a = actor()
    sheet = use_cases.answer_sheet(c.uow(), a, c.clock(), questionnaire_id)  # 404 when not theirs
    values = {q.id: q.value for q in sheet.questions}
    errors: dict[str, str] = {}
    error: str | None = None
    status = 200
    if request.method == "POST":
        posted = _posted_answers()
        form = FlaskForm()
        if not form.validate_on_submit():
            error, status = EXPIRED, 400
            values.update(posted)
        else:
            submit = request.form.get("action") == "submit"
            try:
                submitted = use_cases.save_answers(c.uow(), a, c.clock(), questionnaire_id, posted, submit=submit)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                # Show the answers again exactly as typed: nothing is lost, nothing was stored.
                values.update(posted)
                if isinstance(exc, FieldsInvalid):
                    errors = {k: v for k, v in exc.by_field.items() if k}
                error = exc.message
                status = 409 if isinstance(exc, (AlreadySubmitted, DeadlinePassed)) else 422
                sheet = use_cases.answer_sheet(c.uow(), a, c.clock(), questionnaire_id)
            else:
                if submitted:
                    flash("Je antwoorden zijn ingestuurd. Dank je wel!", "success")
                    return redirect(url_for("questionnaires.index"))
                flash("Je antwoorden zijn opgeslagen als concept. Je kunt later verder gaan.", "success")
                return redirect(url_for("questionnaires.answer", questionnaire_id=questionnaire_id))
    return render_template(
        "questionnaires/answer.html", sheet=sheet, values=values, errors=errors, error=error,
        answer_field=answer_field, kinds=QuestionKind,
        # After a refusal the answers stay on screen as typed (to copy, when it is too late).
        show_fields=sheet.may_answer or (status != 200 and sheet.submitted_at is None),
    ), status


# -- staff: the responses ---------------------------------------------------------------------------


@bp.route("/vragenlijsten/<int:questionnaire_id>/antwoorden")
@login_required
def responses(questionnaire_id: int):
    c = container()
    a = actor()
    report = use_cases.response_report(c.uow(), c.questionnaire_query(), a, questionnaire_id)
    return render_template(
        "questionnaires/responses.html", r=report, kinds=QuestionKind,
        can_edit=use_cases.may_edit_questionnaires(a),
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/antwoorden/<int:response_id>")
@login_required
def response(questionnaire_id: int, response_id: int):
    c = container()
    detail = use_cases.response_detail(c.uow(), actor(), questionnaire_id, response_id)
    return render_template("questionnaires/response.html", d=detail)


def _filename(title: str, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", title).strip("-")[:60] or "vragenlijst"
    return f"antwoorden-{stem}.{suffix}"


@bp.route("/vragenlijsten/<int:questionnaire_id>/antwoorden.xlsx")
@login_required
def export_xlsx(questionnaire_id: int):
    c = container()
    table = use_cases.response_table(c.uow(), c.questionnaire_query(), actor(), questionnaire_id)
    return Response(
        responses_xlsx(table.title, table.headers, table.rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(table.title, "xlsx")}"'},
    )


@bp.route("/vragenlijsten/<int:questionnaire_id>/antwoorden.csv")
@login_required
def export_csv(questionnaire_id: int):
    c = container()
    table = use_cases.response_table(c.uow(), c.questionnaire_query(), actor(), questionnaire_id)
    return Response(
        responses_csv(table.headers, table.rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(table.title, "csv")}"'},
    )
