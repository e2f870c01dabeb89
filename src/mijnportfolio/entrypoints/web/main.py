"""The start page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from .support import landing_endpoint

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(landing_endpoint(current_user.role)))


@bp.route("/taal/<lang>")
@login_required
def language(lang: str):
    return redirect(url_for("main.index", lang=lang))
