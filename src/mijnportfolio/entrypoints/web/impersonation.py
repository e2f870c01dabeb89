"""'Log in als deze student' (meekijken, manual 3.1): start, stop, the read-only guard, and the
admins' log of every session.

The staff member stays logged in as themselves; ``session["impersonation"]`` says whom they look
along with. While it is set, the guard refuses every request that could change something (any
method but GET/HEAD), except stopping; it runs before the CSRF check, so that even a crafted
request without a token gets the same clear refusal.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import login_required
from flask_wtf import FlaskForm

from mijnportfolio.application import impersonation as use_cases
from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied
from mijnportfolio.domain.impersonation import (
    LOOK_ALONG_MINUTES,
    EndReason,
    LookAlongEnded,
    ReadOnlyWhileLookingAlong,
    ended,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Permission

from .support import LOOK_ALONG_KEY, actor, container, look_along, page_args, permission_required, role_label
from .views import EXPIRED

bp = Blueprint("impersonation", __name__)

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: What stays possible while looking along, whatever the method: stopping, and logging out.
ALWAYS_ALLOWED = frozenset({"impersonation.stop", "auth.logout"})
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def _forget() -> None:
    session.pop(LOOK_ALONG_KEY, None)


def install_guard(app: Flask) -> None:
    """Register the read-only guard; call before CSRFProtect(app), so that it runs first."""

    @app.before_request
    def look_along_guard():
        if LOOK_ALONG_KEY not in session or request.endpoint in STATIC_ENDPOINTS:
            return None
        state = look_along()
        if state is None:
            _forget()  # unreadable, or of another login: it means nothing
            return None
        c = container()
        if request.endpoint == "auth.logout":
            use_cases.stop_looking_along(c.uow(), actor(), c.clock(), state, EndReason.LOGGED_OUT)
            _forget()
            return None
        try:
            use_cases.still_looking_along(c.uow(), actor(), c.clock(), state)
        except LookAlongEnded as exc:
            _forget()
            flash(exc.message, "info")
            return None
        if request.method not in READ_ONLY_METHODS and request.endpoint not in ALWAYS_ALLOWED:
            raise ReadOnlyWhileLookingAlong(
                f"Je kijkt mee met {state.student_name}: tijdens het meekijken kun je niets wijzigen of "
                "versturen, ook niet namens de student. Stop eerst met meekijken."
            )
        return None


@bp.route("/meekijken/<int:student_id>", methods=["GET", "POST"])
@login_required
def start(student_id: int):
    """GET (the icon in the lists): what looking along means, with the button; POST: start."""
    c = container()
    current = look_along()
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            flash(EXPIRED, "danger")
            return redirect(url_for("impersonation.start", student_id=student_id))
        state = use_cases.start_looking_along(c.uow(), actor(), c.clock(), student_id, current)
        session[LOOK_ALONG_KEY] = state.to_session()
        return redirect(url_for("students.own_portfolio"))
    try:
        candidate = use_cases.look_along_candidate(c.uow(), actor(), student_id, current)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:  # already looking along: say so, with the way out
        return render_template("impersonation/refused.html", message=exc.message), 409
    return render_template(
        "impersonation/start.html", candidate=candidate, minutes=LOOK_ALONG_MINUTES, form=FlaskForm(),
    )


@bp.route("/meekijken/stoppen", methods=["POST"])
@login_required
def stop():
    state = look_along()
    if state is None:
        _forget()
        return redirect(url_for("main.index"))
    c = container()
    student_id = use_cases.stop_looking_along(c.uow(), actor(), c.clock(), state)
    _forget()
    flash(f"Je kijkt niet meer mee met {state.student_name}.", "success")
    return redirect(url_for("students.portfolio", student_id=student_id))


@bp.route("/beheer/meekijken")
@permission_required(Permission.VIEW_IMPERSONATION_LOG)
def sessions():
    c = container()
    number, size = page_args()
    q = (request.args.get("q") or "").strip()
    log = use_cases.impersonation_log(c.uow(), actor(), q or None, number, size)
    now = c.clock().now()
    ends = {row.id: ended(row.ended_at, row.end_reason, row.expires_at, now) for row in log.rows}
    role_labels = {role.value: role_label(role) for role in Role}
    return render_template("impersonation/sessions.html", log=log, ends=ends, q=q, role_labels=role_labels)

