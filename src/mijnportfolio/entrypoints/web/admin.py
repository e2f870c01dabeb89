"""Blueprint 'admin' (being built)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from flask_login import login_required


@bp.route("/beheer/organisaties")
@login_required
def organisations():
    return ""


@bp.route("/beheer/gebruikers")
@login_required
def users():
    return ""
