"""Catalogue screens (admin): programmes, modules, exams, the structure editor, upload/download."""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, url_for
from flask_wtf import FlaskForm

from mijnportfolio.application.catalogue.views import ExamView
from mijnportfolio.domain.permissions import Permission

from ..support import permission_required
from ..views import form_page

bp = Blueprint("catalogue", __name__)

catalogue_editors = permission_required(Permission.EDIT_CATALOGUE)


def catalogue_form(
    form: FlaskForm,
    save: Callable[[], str],
    *,
    title: str,
    crumbs: list[tuple[str, str | None]],
    cancel_url: str,
    fields: list[str] | None = None,
    helps: dict[str, str] | None = None,
    success: str = "Opgeslagen.",
) -> Any:
    """The catalogue's form page: breadcrumbs, the form's fields in order, and a help text per field."""
    return form_page(
        form, save, template="catalogue/form.html", success=success, invalid_status=400,
        title=title, crumbs=crumbs, cancel_url=cancel_url,
        fields=fields or [f.name for f in form if f.name != "csrf_token"], helps=helps or {},
    )


def programme_crumbs(programme_id: int, name: str) -> list[tuple[str, str | None]]:
    return [
        ("Opleidingen", url_for("catalogue.programmes")),
        (name, url_for("catalogue.programme", programme_id=programme_id)),
    ]


def exam_crumbs(exam: ExamView) -> list[tuple[str, str | None]]:
    return programme_crumbs(exam.programme_id, exam.programme_name) + [
        (f"{exam.code} {exam.name}", url_for("catalogue.exam", exam_id=exam.id))
    ]


from . import exams, programmes, structure  # noqa: E402,F401  (the routes register on bp)
