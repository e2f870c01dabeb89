"""One way for a web form: the shared view helpers of every blueprint.

A page parses its form, calls one use case and renders or redirects. A broken rule
(``DomainError``) is shown beside its field, or above the form, with the use case's Dutch
message; NotFound and PermissionDenied are raised on to the app's error handler (404/403).
"""

from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect, render_template, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from mijnportfolio.domain.errors import DomainError, NotFound, PermissionDenied

EXPIRED = "Het formulier is verlopen. Probeer het opnieuw."
NOT_SAVED = "Niet opgeslagen: verbeter de gemarkeerde velden."


class Required:
    """Marks a field as required (the asterisk and ``required`` flag) without validating it:
    the use case does that, so that every rule has one Dutch message in one place."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


#: The largest id the database stores; a larger one in a URL or form is a record that does not
#: exist (PostgreSQL would refuse to even compare it with an INTEGER column).
MAX_ID = 2**31 - 1


def int_or_none(value: object) -> int | None:
    """An id (or version) from a form or query string: None when empty or not a number, 0 (no
    record) when beyond what the database stores."""
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else 0


def show_domain_error(form: FlaskForm, exc: DomainError) -> str | None:
    """Put each message beside its field; return what belongs to no field (shown above the form).

    NotFound and PermissionDenied are not form problems: they go on to the error handler."""
    if isinstance(exc, (NotFound, PermissionDenied)):
        raise exc
    by_field: dict[str, str] = getattr(exc, "by_field", None) or {exc.field or "": exc.message}
    rest: list[str] = []
    placed = False
    for name, message in by_field.items():
        field = form._fields.get(name) if name else None
        if field is None:
            rest.append(message)
        else:
            field.errors = [*field.errors, message]
            placed = True
    if rest:
        return " ".join(rest)
    return NOT_SAVED if placed else None


def form_page(
    form: FlaskForm,
    save: Callable[[], str],
    *,
    template: str,
    success: str | Callable[[], str] = "Opgeslagen.",
    invalid_status: int = 422,
    **context: Any,
) -> Response | tuple[str, int]:
    """Render ``template`` with ``form``; on a valid POST call ``save``, which returns where to go.

    A broken rule re-renders the form with its messages (``invalid_status``) and stores nothing."""
    error: str | None = None
    status = 200
    if form.validate_on_submit():
        try:
            target = save()
        except DomainError as exc:
            error = show_domain_error(form, exc)
            status = invalid_status
        else:
            flash(success() if callable(success) else success, "success")
            return redirect(target)
    elif request.method == "POST":
        status = invalid_status
        error = EXPIRED if "csrf_token" in form.errors else NOT_SAVED
    return render_template(template, form=form, error=error, **context), status


def post_action(action: Callable[[], str | Response | None], target: str, *, success: str = "") -> Response:
    """A POST-only button (delete, move, deactivate): check the CSRF token, run ``action``, flash
    the outcome (``action`` may return its own success message) and go back to ``target``.

    An ``action`` whose outcome is a page of its own (a confirmation) returns that response."""
    if not FlaskForm().validate_on_submit():
        flash(EXPIRED, "danger")
        return redirect(target)
    try:
        outcome = action()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        if isinstance(outcome, Response):
            return outcome
        if outcome or success:
            flash(outcome or success, "success")
    return redirect(target)


def local_target(value: str | None, default: str) -> str:
    """A 'next' URL only when it stays on this site (a path, never //host or a backslash)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default
