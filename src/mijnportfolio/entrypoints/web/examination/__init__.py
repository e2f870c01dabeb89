"""Examination screens: the Examenoverzicht, planning and retakes, attempts, the Examendashboard
and the private calendar feeds."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("examination", __name__)

from . import assessing, attempts, calendar, corrections, dashboard, overview, planning  # noqa: E402,F401  (the routes register on bp)
