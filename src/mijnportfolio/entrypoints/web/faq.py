"""Veelgestelde vragen: everyone reads and searches them; admins add, edit, order and delete."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from mijnportfolio.application import faq as use_cases
from mijnportfolio.domain.permissions import Permission

from .forms import ConfirmForm
from .support import actor, container, permission_required
from .views import form_page, int_or_none, post_action

bp = Blueprint("faq", __name__)

faq_editors = permission_required(Permission.EDIT_FAQ)


class FaqForm(FlaskForm):
    question = StringField(
        "Vraag",
        validators=[
            DataRequired("Vraag is verplicht."),
            Length(
                max=use_cases.QUESTION_MAX_LENGTH,
                message=f"Vraag mag hoogstens {use_cases.QUESTION_MAX_LENGTH} tekens lang zijn.",
            ),
        ],
    )
    answer = TextAreaField(
        "Antwoord",
        validators=[
            DataRequired("Antwoord is verplicht."),
            Length(
                max=use_cases.ANSWER_MAX_LENGTH,
                message=f"Antwoord mag hoogstens {use_cases.ANSWER_MAX_LENGTH} tekens lang zijn.",
            ),
        ],
        render_kw={"rows": 8},
    )
    version = HiddenField()
    submit = SubmitField("Opslaan")

    def data_for_use_case(self) -> use_cases.FaqData:
        return use_cases.FaqData(question=self.question.data, answer=self.answer.data)


@bp.route("/faq")
@login_required
def index():
    query = (request.args.get("q") or "").strip()
    entries = use_cases.list_faq(container().uow(), actor(), query or None)
    return render_template(
        "faq/index.html",
        entries=entries,
        query=query,
        can_edit=use_cases.may_edit_faq(actor()),
        confirm_form=ConfirmForm(),
    )


@bp.route("/faq/nieuw", methods=["GET", "POST"])
@faq_editors
def create():
    form = FaqForm()
    del form.version

    def save() -> str:
        use_cases.create_faq_item(container().uow(), actor(), form.data_for_use_case())
        return url_for("faq.index")

    return form_page(
        form, save, template="faq/form.html", success="De vraag is toegevoegd.", invalid_status=400,
        title="Vraag toevoegen",
    )


@bp.route("/faq/<int:item_id>/bewerken", methods=["GET", "POST"])
@faq_editors
def edit(item_id: int):
    c = container()
    entry = use_cases.get_faq_item(c.uow(), actor(), item_id)  # 404 when gone
    form = FaqForm(
        data={"question": entry.question, "answer": entry.answer, "version": str(entry.version)}
        if request.method == "GET" else None
    )

    def save() -> str:
        use_cases.update_faq_item(
            c.uow(), actor(), item_id, form.data_for_use_case(), expected_version=int_or_none(form.version.data)
        )
        return url_for("faq.index")

    return form_page(
        form, save, template="faq/form.html", success="De vraag is opgeslagen.", invalid_status=400,
        title="Vraag bewerken", entry=entry,
    )


def _faq_list() -> str:
    return url_for("faq.index", q=request.args.get("q") or None)


@bp.route("/faq/<int:item_id>/verwijderen", methods=["POST"])
@faq_editors
def delete(item_id: int):
    def run() -> str:
        question = use_cases.delete_faq_item(container().uow(), actor(), item_id)
        return f"De vraag '{question}' is verwijderd."

    return post_action(run, _faq_list())


@bp.route("/faq/<int:item_id>/omhoog", methods=["POST"])
@faq_editors
def move_up(item_id: int):
    def run() -> None:
        use_cases.move_faq_item_up(container().uow(), actor(), item_id)

    return post_action(run, _faq_list())


@bp.route("/faq/<int:item_id>/omlaag", methods=["POST"])
@faq_editors
def move_down(item_id: int):
    def run() -> None:
        use_cases.move_faq_item_down(container().uow(), actor(), item_id)

    return post_action(run, _faq_list())
