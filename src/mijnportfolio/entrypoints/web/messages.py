"""'Mijn berichten' (manual chapter 4): the inbox, sent messages, a message, 'Nieuw bericht' and
replies. While staff look along with a student, the student's messages stay closed."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField

from mijnportfolio.application import messages as use_cases
from mijnportfolio.domain.errors import DomainError, PermissionDenied
from mijnportfolio.domain.messages import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, NothingToReplyTo

from .support import actor, container, external_url, look_along, page_args
from .views import EXPIRED, NOT_SAVED, Required, int_or_none, show_domain_error

bp = Blueprint("messages", __name__)

NOT_SENT = "Niet verstuurd: verbeter de gemarkeerde velden."
LOOKING_ALONG = (
    "Tijdens het meekijken zijn de berichten van de student niet zichtbaar: berichten zijn "
    "persoonlijk. Stop met meekijken om je eigen berichten te lezen."
)


def messages_view(view: Callable) -> Callable:
    """Logged in, and not while looking along (403 with a Dutch explanation)."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any):
        if look_along() is not None:
            raise PermissionDenied(LOOKING_ALONG)
        return view(*args, **kwargs)

    return wrapped


# -- plain text with clickable links ----------------------------------------------------------------

# Runs on the *escaped* text, so a link can never carry markup: it ends at whitespace or at the
# entity of a character that cannot be part of it (<, >, " and ').
_LINK = re.compile(r"https?://(?:(?!&lt;|&gt;|&#34;|&#39;|&quot;)[^\s])+", re.IGNORECASE)
_TRAILING = ".,;:!?)]"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    if url.endswith("&amp"):
        url, tail = url[:-4], "&amp" + tail
    return f'<a href="{url}" rel="noopener noreferrer nofollow" target="_blank">{url}</a>{tail}'


@bp.app_template_filter("message_text")
def message_text(text: str | None) -> Markup:
    """A message body as HTML: escaped first (no HTML from users, ever), then http(s) links made
    clickable and line breaks kept."""
    escaped = str(escape(text or ""))
    linked = _LINK.sub(_link, escaped)
    return Markup(linked.replace("\n", "<br>\n"))


# -- the lists --------------------------------------------------------------------------------------


@bp.route("/berichten")
@messages_view
def inbox():
    c = container()
    number, size = page_args(default_size=use_cases.DEFAULT_PAGE_SIZE, max_size=use_cases.MAX_PAGE_SIZE)
    result = use_cases.inbox(c.message_query(), actor(), number, size)
    counts = use_cases.message_counts(c.message_query(), actor())
    return render_template("messages/inbox.html", result=result, counts=counts, tab="inbox")


@bp.route("/berichten/verzonden")
@messages_view
def sent():
    c = container()
    number, size = page_args(default_size=use_cases.DEFAULT_PAGE_SIZE, max_size=use_cases.MAX_PAGE_SIZE)
    result = use_cases.sent_messages(c.message_query(), actor(), number, size)
    counts = use_cases.message_counts(c.message_query(), actor())
    return render_template("messages/sent.html", result=result, counts=counts, tab="sent")


@bp.route("/berichten/<int:message_id>")
@messages_view
def show(message_id: int):
    c = container()
    message = use_cases.open_message(c.uow(), actor(), c.clock(), message_id)  # 404 for strangers
    return render_template("messages/message.html", m=message)


# -- writing ----------------------------------------------------------------------------------------


class MessageForm(FlaskForm):
    recipients = SelectMultipleField(
        "Aan", validate_choice=False, coerce=str, render_kw={"size": 10, "data-multi-filter": "Ontvangers filteren"}
    )
    group_id = SelectField("Deelnemergroep", validate_choice=False)
    subject = StringField("Onderwerp", validators=[Required()], render_kw={"maxlength": SUBJECT_MAX_LENGTH})
    body = TextAreaField("Bericht", validators=[Required()], render_kw={"rows": 10, "maxlength": BODY_MAX_LENGTH})
    reply_to = HiddenField()
    submit = SubmitField("Versturen")


def _fill(form: MessageForm, choices: use_cases.RecipientChoices) -> None:
    staff = [(str(o.value), o.label) for o in choices.staff]
    students = [(str(o.value), o.label) for o in choices.students]
    if staff and students:
        # Two labelled groups in the list; WTForms renders a dict as <optgroup>s.
        form.recipients.choices = {"Begeleiders en medewerkers": staff, "Studenten": students}
    else:
        form.recipients.choices = staff or students
    if choices.groups:
        form.group_id.choices = [("", "— geen —")] + [(str(o.value), o.label) for o in choices.groups]
    else:
        del form.group_id


def _ids(values: list[str] | None) -> tuple[int, ...]:
    return tuple(i for i in (int_or_none(v) for v in (values or [])[:1000]) if i is not None)


def _compose(form: MessageForm, *, title: str, reply: use_cases.ReplyDraft | None = None, original=None):
    c = container()
    a = actor()

    def save() -> str:
        group_id = int_or_none(form.group_id.data) if "group_id" in form else None
        message_id = use_cases.send_message(
            c.uow(), a, c.clock(),
            use_cases.NewMessage(
                recipient_ids=_ids(form.recipients.data),
                subject=form.subject.data,
                body=form.body.data,
                group_id=group_id,
                reply_to_id=int_or_none(form.reply_to.data),
            ),
            message_url=lambda i: external_url("messages.show", message_id=i),
        )
        return url_for("messages.show", message_id=message_id)

    context = dict(
        title=title, reply=reply, original=original, can_choose=bool(form.recipients.choices) or "group_id" in form,
    )
    error: str | None = None
    status = 200
    if form.validate_on_submit():
        try:
            target = save()
        except DomainError as exc:
            error = show_domain_error(form, exc)  # NotFound and PermissionDenied go on to 404/403
            if error == NOT_SAVED:
                error = NOT_SENT
            status = 422
        else:
            flash("Je bericht is verstuurd.", "success")
            return redirect(target)
    elif request.method == "POST":
        status = 422
        error = EXPIRED if "csrf_token" in form.errors else NOT_SENT
    return render_template("messages/form.html", form=form, error=error, **context), status


@bp.route("/berichten/nieuw", methods=["GET", "POST"])
@messages_view
def new():
    form = MessageForm()
    choices = use_cases.recipient_options(container().message_query(), actor())
    _fill(form, choices)
    form.reply_to.data = ""  # a new message answers nothing
    if request.method == "GET":
        wanted = int_or_none(request.args.get("aan"))
        if wanted is not None and str(wanted) in {str(o.value) for o in choices.people}:
            form.recipients.data = [str(wanted)]
    return _compose(form, title="Nieuw bericht")


def _reply(message_id: int, *, to_all: bool) -> Response | tuple[str, int]:
    c = container()
    a = actor()
    try:
        draft = use_cases.reply_draft(c.uow(), a, message_id, to_all=to_all)
    except NothingToReplyTo as exc:
        flash(exc.message, "danger")
        return redirect(url_for("messages.show", message_id=message_id))
    original = use_cases.open_message(c.uow(), a, c.clock(), message_id)
    form = MessageForm()
    _fill(form, use_cases.recipient_options(c.message_query(), a))
    if request.method == "GET":
        form.recipients.data = [str(i) for i in draft.recipient_ids]
        form.subject.data = draft.subject
        form.reply_to.data = str(draft.reply_to_id)
    else:
        # The message answered is the one in the URL, whatever the form says.
        form.reply_to.data = str(draft.reply_to_id)
    return _compose(form, title="Allen beantwoorden" if to_all else "Beantwoorden", reply=draft, original=original)


@bp.route("/berichten/<int:message_id>/beantwoorden", methods=["GET", "POST"])
@messages_view
def reply(message_id: int):
    return _reply(message_id, to_all=False)


@bp.route("/berichten/<int:message_id>/allen-beantwoorden", methods=["GET", "POST"])
@messages_view
def reply_all(message_id: int):
    return _reply(message_id, to_all=True)
