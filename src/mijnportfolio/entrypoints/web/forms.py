"""WTForms shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = StringField("E-mailadres", validators=[DataRequired("Vul je e-mailadres in.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")])
    submit = SubmitField("Inloggen")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul je e-mailadres in.")])
    submit = SubmitField("Stuur mij een link")


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "Nieuw wachtwoord",
        validators=[
            DataRequired("Vul een wachtwoord in."),
            Length(min=8, message="Het wachtwoord moet minstens 8 tekens lang zijn."),
        ],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[EqualTo("password", message="De twee wachtwoorden zijn niet gelijk.")],
    )
    submit = SubmitField("Wachtwoord opslaan")


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons (deactivate, delete, ...)."""

    submit = SubmitField("Bevestigen")
