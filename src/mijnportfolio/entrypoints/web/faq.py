"""Veelgestelde vragen: everyone reads and searches them; admins add, edit, order and delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from mijnportfolio.application import faq as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

from .forms import ConfirmForm
from .support import actor, container

bp = Blueprint("faq", __name__)


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
    submit = SubmitField("Opslaan")

    def data_for_use_case(self) -> use_cases.FaqData:
        return use_cases.FaqData(question=self.question.data, answer=self.answer.data)

    def show_error(self, exc: DomainError) -> None:
        target = getattr(self, exc.field, None) if exc.field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, exc.message]
        else:
            flash(exc.message, "danger")


def _require_editor() -> None:
    if not use_cases.may_edit_faq(actor()):
        raise PermissionDenied()


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
@login_required
def create():
    _require_editor()
    form = FaqForm()
    if form.validate_on_submit():
        try:
            use_cases.create_faq_item(container().uow(), actor(), form.data_for_use_case())
        except (PermissionDenied, NotFound):
            raise  # 403 / 404 pages, not a message by the form
        except DomainError as exc:
            form.show_error(exc)
        else:
            flash("De vraag is toegevoegd.", "success")
            return redirect(url_for("faq.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("faq/form.html", form=form, title="Vraag toevoegen"), status


@bp.route("/faq/<int:item_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    c = container()
    entry = use_cases.get_faq_item(c.uow(), actor(), item_id)  # 403 for non-admins, 404 when gone
    form = FaqForm(data={"question": entry.question, "answer": entry.answer} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            use_cases.update_faq_item(c.uow(), actor(), item_id, form.data_for_use_case())
        except (PermissionDenied, NotFound):
            raise  # 403 / 404 pages, not a message by the form
        except DomainError as exc:
            form.show_error(exc)
        else:
            flash("De vraag is opgeslagen.", "success")
            return redirect(url_for("faq.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("faq/form.html", form=form, title="Vraag bewerken", entry=entry), status


def _post_action(action):
    """Shared part of the small POST buttons: CSRF check, permission first, then the action."""
    _require_editor()
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "danger")
        return redirect(url_for("faq.index"))
    action()
    return redirect(url_for("faq.index", q=request.args.get("q") or None))


@bp.route("/faq/<int:item_id>/verwijderen", methods=["POST"])
@login_required
def delete(item_id: int):
    def run():
        question = use_cases.delete_faq_item(container().uow(), actor(), item_id)
        flash(f"De vraag '{question}' is verwijderd.", "success")

    return _post_action(run)


@bp.route("/faq/<int:item_id>/omhoog", methods=["POST"])
@login_required
def move_up(item_id: int):
    return _post_action(lambda: use_cases.move_faq_item_up(container().uow(), actor(), item_id))


@bp.route("/faq/<int:item_id>/omlaag", methods=["POST"])
@login_required
def move_down(item_id: int):
    return _post_action(lambda: use_cases.move_faq_item_down(container().uow(), actor(), item_id))
