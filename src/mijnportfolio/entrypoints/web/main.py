"""The start page and the examiner's dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from mijnportfolio.domain.permissions import Permission

from .support import landing_endpoint, permission_required

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(landing_endpoint(current_user.role)))


@bp.route("/examendashboard")
@permission_required(Permission.VIEW_EXAM_DASHBOARD)
def dashboard():
    # This page reads no planned parts: both of its lists are empty.
    return render_template("main/dashboard.html", open_actions=[], upcoming=[])


@bp.route("/taal/<lang>")
@login_required
def language(lang: str):
    return redirect(url_for("main.index", lang=lang))
