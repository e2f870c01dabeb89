"""The student portal on the web: a student's own portfolio with its tabs (one URL per tab,
``?tab=student``, so that each works without JavaScript), the profile form and the photo.

The page itself is ``students.own_portfolio`` (the student's landing page); it renders through
``render_portal`` here. While a staff member looks along, the same page shows the student's
view read-only: no form, no messages.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from jinja2 import TemplateNotFound
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField

from mijnportfolio.application import portal as use_cases
from mijnportfolio.application import students as student_use_cases
from mijnportfolio.domain.errors import DomainError
from mijnportfolio.domain.students import INTRODUCTION_MAX_LENGTH, PHOTO_MAX_BYTES

from .support import actor, container, look_along
from .views import EXPIRED, NOT_SAVED, int_or_none, show_domain_error

bp = Blueprint("portal", __name__)

PHOTO_AGAIN = "Kies de foto daarna opnieuw: een gekozen bestand blijft na een fout niet bewaard."
#: Where 'Mijn berichten' lives (the messages context builds it); linked by path until it exists.
MESSAGES_PATH = "/berichten"
MESSAGES_ENDPOINT = "messages.inbox"


class ProfileForm(FlaskForm):
    phone = StringField("Telefoonnummer", render_kw={"type": "tel", "autocomplete": "tel"})
    street = StringField("Straat en huisnummer", render_kw={"autocomplete": "street-address"})
    postcode = StringField("Postcode", render_kw={"autocomplete": "postal-code"})
    city = StringField("Plaats", render_kw={"autocomplete": "address-level2"})
    introduction = TextAreaField("Introductie", render_kw={"rows": 6, "maxlength": INTRODUCTION_MAX_LENGTH})
    photo = FileField("Nieuwe foto", render_kw={"accept": "image/jpeg,image/png,image/webp"})
    remove_photo = BooleanField("Foto verwijderen")
    version = HiddenField()
    submit = SubmitField("Opslaan")


def _messages_context() -> dict[str, Any]:
    """The counts of 'Mijn berichten' (the messages context's summary) once that context is there:
    its use case, its macro and its pages; until then the tab links to its path."""
    from flask import current_app

    if MESSAGES_ENDPOINT not in current_app.view_functions:
        return {"message_counts": None, "messages_summary": False, "messages_url": MESSAGES_PATH}
    url = url_for(MESSAGES_ENDPOINT)
    if importlib.util.find_spec("mijnportfolio.application.messages") is None:
        return {"message_counts": None, "messages_summary": False, "messages_url": url}
    from mijnportfolio.application import messages

    counter = getattr(messages, "message_counts", None)
    try:
        current_app.jinja_env.get_template("messages/_summary.html")
    except TemplateNotFound:
        counter = None
    if counter is None:
        return {"message_counts": None, "messages_summary": False, "messages_url": url}
    return {"message_counts": counter(container().uow(), actor()), "messages_summary": True, "messages_url": url}


def render_portal(form: ProfileForm | None = None, error: str | None = None, status: int = 200):
    """The portal page of the student this request is about (their own, or looked along with)."""
    c = container()
    a = actor()
    state = look_along()
    looking_along = state is not None
    student_id = use_cases.portal_student_id(c.uow(), a, state)
    tab = use_cases.Tab.STUDENT if form is not None else use_cases.choose_tab(request.args.get("tab"), looking_along)
    context: dict[str, Any] = {
        "tab": tab, "tabs": use_cases.tabs(looking_along), "looking_along": looking_along, "Tab": use_cases.Tab,
        "p": student_use_cases.get_student_portfolio(c.uow(), a, student_id), "error": error,
    }
    if tab is use_cases.Tab.STUDENT:
        profile = student_use_cases.student_profile(c.uow(), a, student_id)
        context["profile"] = profile
        if not looking_along:
            if form is None:
                form = ProfileForm(
                    formdata=None, phone=profile.phone, street=profile.street, postcode=profile.postcode,
                    city=profile.city, introduction=profile.introduction, version=str(profile.version),
                )
            context["form"] = form
    elif tab is use_cases.Tab.INSTRUMENTS:
        context["instruments"] = use_cases.instruments(c.uow(), a, c.clock(), student_id)
        context["Stage"] = use_cases.Stage
    if tab in (use_cases.Tab.OVERVIEW, use_cases.Tab.MESSAGES) and not looking_along:
        # 'Mijn berichten' on the start page (manual 4): how many are new, how many in all.
        context.update(_messages_context())
    return render_template("portal/portal.html", **context), status


@bp.route("/mijn-portfolio/student/profiel", methods=["POST"])
@login_required
def save_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return render_portal(form, EXPIRED if "csrf_token" in form.errors else NOT_SAVED, 422)
    upload = form.photo.data
    photo = upload.read(PHOTO_MAX_BYTES + 1) if upload is not None and getattr(upload, "filename", "") else None
    c = container()
    try:
        student_use_cases.update_own_profile(
            c.uow(), c.file_store(), actor(),
            student_use_cases.ProfileData(
                phone=form.phone.data, street=form.street.data, postcode=form.postcode.data, city=form.city.data,
                introduction=form.introduction.data,
            ),
            photo=photo or None,
            remove_photo=bool(form.remove_photo.data),
            expected_version=int_or_none(form.version.data),
        )
    except DomainError as exc:
        error = show_domain_error(form, exc)
        if photo and not form.photo.errors:
            error = f"{error or NOT_SAVED} {PHOTO_AGAIN}"
        return render_portal(form, error, 422)
    flash("Je profiel is opgeslagen.", "success")
    return redirect(url_for("students.own_portfolio", tab=use_cases.Tab.STUDENT.value))


@bp.route("/portfolios/<int:student_id>/foto")
@login_required
def photo(student_id: int):
    """A student's photo, only for whoever may see the student (404 otherwise)."""
    c = container()
    found = student_use_cases.student_photo(c.uow(), c.file_store(), actor(), student_id)
    return Response(
        found.data, mimetype=found.content_type,
        headers={"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"},
    )
