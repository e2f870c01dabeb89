"""The Examendashboard: an examiner's open actions and planning; planners also get the matrix."""

from __future__ import annotations

from flask import render_template, request

from mijnportfolio.application.examination import dashboard as use_cases
from mijnportfolio.application.messages import message_counts
from mijnportfolio.application.ports.examination import DashboardFilters
from mijnportfolio.domain.permissions import Permission

from ..support import actor, container, permission_required, remembered_list_state
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
    board = use_cases.examiner_dashboard(c.dashboard_query(), a, c.clock(), filters)
    context: dict = {"board": board, "planner": None, "message_counts": message_counts(c.message_query(), a)}
    if use_cases.may_see_planner_matrix(c.uow(), a):
        context["planner"] = matrix_context(filters.programme_id)
    return render_template("examination/dashboard.html", args=request.args, **context)
