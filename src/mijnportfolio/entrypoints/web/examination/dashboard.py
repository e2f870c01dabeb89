"""The Examendashboard: an examiner's open actions and planning; planners also get the matrix."""

from __future__ import annotations

from flask import render_template, request

from mijnportfolio.application.examination import dashboard as use_cases
from mijnportfolio.application.messages import message_counts
from mijnportfolio.application.ports.examination import DashboardFilters
from mijnportfolio.domain.permissions import Permission

from ..support import Fragment, actor, cached_fragment, container, permission_required, remembered_list_state
from ..views import int_or_none
from . import bp
from .overview import matrix_context


@bp.route("/examendashboard")
@permission_required(Permission.VIEW_EXAM_DASHBOARD)
def dashboard():
    restored = remembered_list_state("examendashboard")
    if restored is not None:
        return restored
    a = actor()
    c = container()
    filters = DashboardFilters(
        programme_id=int_or_none(request.args.get("opleiding")),
        group_id=int_or_none(request.args.get("groep")),
        student_id=int_or_none(request.args.get("student")),
    )

    def render() -> Fragment:
        board = use_cases.examiner_dashboard(
            c.dashboard_query(), a, c.clock(), filters,
            open_page=_page_number("open"), upcoming_page=_page_number("gepland"),
        )
        planner = matrix_context(filters.programme_id) if use_cases.may_see_planner_matrix(c.uow(), a) else None
        changes = [board.valid_until]
        if planner and planner["overview"]:
            changes.append(planner["overview"].valid_until)
        html = render_template("examination/_dashboard_body.html", args=request.args, board=board, planner=planner)
        return Fragment(html, valid_until=min((m for m in changes if m is not None), default=None))

    body = cached_fragment("examendashboard", render)
    return render_template(
        "examination/dashboard.html", body=body, message_counts=message_counts(c.message_query(), a),
    )


def _page_number(name: str) -> int:
    """The page of one of the two lists, from the query string (1 when absent or nonsense)."""
    return min(1_000_000, int_or_none(request.args.get(name)) or 1)
