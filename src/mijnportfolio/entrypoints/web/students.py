"""Blueprint 'students' (being built)."""

from flask import Blueprint

bp = Blueprint("students", __name__)

from flask import render_template
from flask_login import login_required


@bp.route("/portfolios")
@login_required
def portfolios():
    return render_template("errors/error.html", status=200, title="Portfolio's", text=""), 200


@bp.route("/mijn-portfolio")
@login_required
def my_portfolio():
    return render_template("errors/error.html", status=200, title="Mijn Portfolio", text=""), 200


@bp.route("/mijn-portfolio/student")
@login_required
def own_portfolio():
    return render_template("errors/error.html", status=200, title="Mijn Portfolio", text=""), 200
