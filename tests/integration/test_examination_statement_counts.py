"""Assessing runs a fixed number of SQL statements whatever the number of criteria and parts."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.application.catalogue.exams import import_exam_definition
from mijnportfolio.application.examination import assessing, planning
from mijnportfolio.application.examination.assessing import Entry
from mijnportfolio.application.examination.dashboard import examiner_dashboard
from mijnportfolio.application.ports.examination import DashboardFilters
from mijnportfolio.application.students import StudentData, create_student
from mijnportfolio.domain.catalogue import (
    CoreTaskDefinition,
    CriterionDefinition,
    ExamDefinition,
    PartDefinition,
    WorkProcessDefinition,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.application.demo import seed_demo
from tests.helpers import NOW, build_test_app
from tests.integration.test_examination_planning_routes import ids
from tests.integration.test_students_list_query import counting

ADMIN = Actor(user_id=1, role=Role.ADMIN)


def _exam(code: str, parts: int, per_part: int) -> ExamDefinition:
    return ExamDefinition(
        code=code, name=f"Examen {code}",
        core_tasks=(
            CoreTaskDefinition("K1", "Kerntaak 1", (WorkProcessDefinition("K1-W1"), WorkProcessDefinition("K1-W2"))),
            CoreTaskDefinition("K2", "Kerntaak 2", (WorkProcessDefinition("K2-W1"),)),
        ),
        parts=tuple(
            PartDefinition(p, f"Onderdeel {p}", tuple(
                CriterionDefinition(("K1-W1", "K1-W2", "K2-W1")[c % 3], f"Criterium {p}.{c}", descriptors={1: "a", 5: "b"})
                for c in range(per_part)
            ))
            for p in range(1, parts + 1)
        ),
    )


def _statements(app, code: str, parts: int, per_part: int) -> tuple[int, int, int]:
    c = app.extensions["container"]
    known = ids(app)
    clock = c.clock()
    exam_id = import_exam_definition(c.uow(), ADMIN, known["programme"], _exam(code, parts, per_part)).exam_id
    with c.uow() as uow:
        organisation_id = uow.organisations.get_by_name("Demo ROC").id
        exam = uow.exams.get(exam_id)
        part_ids = [p.id for p in sorted(exam.parts, key=lambda p: p.number)]
    users = known["users"]
    supervisor = Actor(users["begeleider@demo.nl"], Role.SUPERVISOR, organisation_id)
    examiner = Actor(users["examinator@demo.nl"], Role.EXAMINER, organisation_id)
    student = known["students"]["100003"]
    start = (NOW + dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=2))).strftime("%d-%m-%Y %H:%M")
    planning.plan_exam(c.uow(), supervisor, clock, c.calendar(), planning.PlanRequest(
        student_id=student, exam_id=exam_id, accept_conflicts=True,
        parts=tuple(planning.PartRequest(part_id=pid, plan=True, start=start, end=start, examiner1_id=users["examinator@demo.nl"])
                    for pid in part_ids),
    ))
    clock.advance(hours=2)
    with c.uow() as uow:
        attempt = uow.attempts.latest(student, exam_id)
        planning_id = sorted(attempt.plannings, key=lambda p: p.part_id)[0].id
        criterion_ids = [cr.id for cr in uow.exams.get(exam_id).parts[0].criteria]
    entries = {cid: Entry("4", "") for cid in criterion_ids}
    engine = c.engine()
    with counting(engine) as draft:
        assessing.save_draft(c.uow(), examiner, clock, planning_id, entries, expected_version=None)
    with counting(engine) as submit:
        assessing.submit_assessment(c.uow(), examiner, clock, planning_id, confirmed=True)
    with counting(engine) as board:
        examiner_dashboard(c.dashboard_query(), examiner, clock, DashboardFilters())
    clock.set(NOW)
    return len(draft), len(submit), len(board)


@pytest.fixture
def app(tmp_path):
    app = build_test_app(tmp_path, clock=FixedClock(NOW))
    c = app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    yield app
    c.engine().dispose()


def test_drafts_submissions_and_the_dashboard_do_not_grow_with_the_exam(app):
    small = _statements(app, "KLEIN", parts=2, per_part=3)
    large = _statements(app, "GROOT", parts=6, per_part=40)
    assert small == large, (small, large)
