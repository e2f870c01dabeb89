"""Private calendar feeds: subscribe to your own examenplanning from any calendar app."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, session, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from mijnportfolio.application.examination import calendar as use_cases

from ..support import actor, container, external_url
from ..views import EXPIRED
from . import bp

_NEW_TOKEN = "calendar_feed_token"


@bp.route("/agenda")
@login_required
def calendar_settings():
    c = container()
    token = session.pop(_NEW_TOKEN, None)
    return render_template(
        "examination/calendar.html",
        has_feed=use_cases.has_feed(c.uow(), actor()),
        feed_url=external_url("examination.calendar_feed", token=token) if token else None,
        csrf_form=FlaskForm(),
    )


@bp.route("/agenda/vernieuwen", methods=["POST"])
@login_required
def calendar_renew():
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(url_for("examination.calendar_settings"))
    c = container()
    # The token is shown once, on the next page, and never stored in readable form.
    session[_NEW_TOKEN] = use_cases.renew_feed(c.uow(), actor(), c.clock())
    flash("Er is een nieuwe agenda-link gemaakt. Een eerdere link werkt niet meer.", "success")
    return redirect(url_for("examination.calendar_settings"))


@bp.route("/agenda/stoppen", methods=["POST"])
@login_required
def calendar_stop():
    if FlaskForm().validate_on_submit():
        use_cases.stop_feed(container().uow(), actor())
        flash("De agenda-link werkt niet meer.", "success")
    return redirect(url_for("examination.calendar_settings"))


@bp.route("/agenda/<token>.ics")
def calendar_feed(token: str):
    c = container()
    data = use_cases.feed(c.uow(), c.dashboard_query(), c.clock(), c.calendar(), token)
    return Response(
        data, mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="examenplanning.ics"', "Cache-Control": "private, max-age=300"},
    )
