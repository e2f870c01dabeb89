"""Blueprint 'catalogue' (being built)."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from flask_login import login_required


@bp.route("/opleidingen")
@login_required
def programmes():
    return ""
