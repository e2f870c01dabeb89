"""WTForms shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons (deactivate, delete, ...)."""

    submit = SubmitField("Bevestigen")
