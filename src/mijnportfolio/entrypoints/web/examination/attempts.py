"""The attempt page: one try of a student at an exam, with every part and its planning."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required
from flask_wtf import FlaskForm

from mijnportfolio.application.examination import attempts as use_cases

from ..support import actor, container
from . import bp


@bp.route("/pogingen/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    c = container()
    page = use_cases.attempt_page(c.uow(), actor(), c.clock(), attempt_id)
    return render_template(
        "examination/attempt.html", page=page, csrf_form=FlaskForm(), here=request.full_path.rstrip("?"),
    )
