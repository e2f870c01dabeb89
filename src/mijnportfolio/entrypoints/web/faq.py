"""Blueprint 'faq' (being built)."""

from flask import Blueprint

bp = Blueprint("faq", __name__)

from flask_login import login_required


@bp.route("/faq")
@login_required
def index():
    return ""
