"""The Examendashboard (manual 2.3, product.md 3.6): an examiner's 'Openstaande acties' (parts
that have started and are not final) and 'Examenplanning' (parts that have not started yet)."""

from __future__ import annotations

import attrs

from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor

from ..ports.common import Clock
from ..ports.examination import DashboardFilters, DashboardQuery, PartsPage
from ..ports.students import Option
from ..ports.unit_of_work import UnitOfWork

PER_PAGE = 50
NO_PARTS = PartsPage(rows=(), total=0, page=1, per_page=PER_PAGE)


@attrs.frozen
class Dashboard:
    open_parts: PartsPage
    upcoming_parts: PartsPage
    programmes: tuple[Option, ...]
    groups: tuple[Option, ...]
    students: tuple[Option, ...]
    is_examiner: bool

    @property
    def valid_until(self):
        """When the lists change by the clock alone: the next upcoming part starts."""
        return self.upcoming_parts.first_start


def examiner_dashboard(
    query: DashboardQuery, actor: Actor, clock: Clock, filters: DashboardFilters, *, open_page: int = 1, upcoming_page: int = 1,
) -> Dashboard:
    """The two lists of the examiner's own planned parts, 50 to a page (empty for staff who do not assess)."""
    if actor.role is not Role.EXAMINER:
        return Dashboard(NO_PARTS, NO_PARTS, (), (), (), is_examiner=False)
    now = clock.now()
    programmes, groups, students = query.filter_options(actor.user_id)
    return Dashboard(
        open_parts=query.open_parts(actor.user_id, filters, now, page=max(1, open_page), per_page=PER_PAGE),
        upcoming_parts=query.upcoming_parts(actor.user_id, filters, now, page=max(1, upcoming_page), per_page=PER_PAGE),
        programmes=tuple(programmes), groups=tuple(groups), students=tuple(students), is_examiner=True,
    )


def may_see_planner_matrix(uow: UnitOfWork, actor: Actor) -> bool:
    """Planners find the overview matrix on their dashboard (the manual starts planning there):
    admins, supervisors, and examiners of an organisation that lets examiners plan."""
    if actor.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    if actor.role is not Role.EXAMINER or actor.organisation_id is None:
        return False
    with uow:
        organisation = uow.organisations.get(actor.organisation_id)
        return bool(organisation and organisation.examiners_may_plan)
