"""The Examenoverzicht: choose a programme ('Opleiding'), see students × exams, export."""

from __future__ import annotations

from typing import Mapping

from flask import Response, render_template, request
from flask_login import login_required

from mijnportfolio.application.examination import overview as use_cases
from mijnportfolio.application.ports.examination import OverviewFilters
from mijnportfolio.domain.examination.status import STATUS_ORDER

from ..support import Fragment, actor, cached_fragment, container, page_args, remembered_list_state
from ..views import int_or_none
from . import bp
from .export import overview_csv, overview_xlsx

STATUS_ICONS = {
    "not_planned": "circle",
    "partially_planned": "circle-half",
    "partially_planned_started": "play-circle",
    "planned": "calendar-check",
    "started": "play-fill",
    "passed": "check-lg",
    "failed": "x-lg",
}


def filters_from(args: Mapping) -> OverviewFilters:
    return OverviewFilters(
        group_id=int_or_none(args.get("groep")),
        cohort=(args.get("cohort") or "").strip() or None,
        q=(args.get("q") or "").strip()[:200] or None,
    )


def matrix_context(programme_id: int | None) -> dict:
    """What the matrix partial needs, for the overview page and the planners' dashboard."""
    query = container().overview_query()
    a = actor()
    programmes = use_cases.programme_choices(query, a)
    context: dict = {
        "programmes": programmes, "programme_id": programme_id, "overview": None,
        "statuses": STATUS_ORDER, "status_icons": STATUS_ICONS, "groups": (), "cohorts": (), "args": request.args,
    }
    if programme_id is not None and any(o.value == programme_id for o in programmes):
        number, size = page_args()
        context["overview"] = use_cases.show_overview(
            query, a, container().clock(), programme_id, filters_from(request.args),
            sort=request.args.get("sort") or "name", page=number, per_page=size,
        )
        context["groups"], context["cohorts"] = use_cases.overview_filter_options(query, a, programme_id)
    return context


@bp.route("/examenoverzicht")
@login_required
def overview():
    restored = remembered_list_state("examenoverzicht")
    if restored is not None:
        return restored
    programme_id = int_or_none(request.args.get("opleiding"))
    found = True

    def render() -> Fragment:
        nonlocal found
        context = matrix_context(programme_id)
        if programme_id is None and len(context["programmes"]) == 1:
            context = matrix_context(int(context["programmes"][0].value))
        found = programme_id is None or context["overview"] is not None
        shown = context["overview"]
        return Fragment(
            render_template("examination/_overview_body.html", **context),
            valid_until=shown.valid_until if shown else None, keep=found,
        )

    body = cached_fragment("examenoverzicht", render)
    return render_template("examination/overview.html", body=body), 200 if found else 404


def _export(kind: str):
    programme_id = int_or_none(request.args.get("opleiding"))
    if programme_id is None:
        return Response("Kies eerst een opleiding.", status=400, mimetype="text/plain")
    result = use_cases.export_overview(
        container().overview_query(), actor(), container().clock(), programme_id, filters_from(request.args),
        sort=request.args.get("sort") or "name",
    )
    if kind == "csv":
        return Response(
            overview_csv(result), mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="examenoverzicht.csv"'},
        )
    return Response(
        overview_xlsx(result), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="examenoverzicht.xlsx"'},
    )


@bp.route("/examenoverzicht/export.csv")
@login_required
def export_csv():
    return _export("csv")


@bp.route("/examenoverzicht/export.xlsx")
@login_required
def export_xlsx():
    return _export("xlsx")
