"""`seed-demo`: the demo data of product.md section 6, on both databases, idempotent, never in production."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.application.demo import DemoRefused, seed_demo
from mijnportfolio.domain.organisations import Role
from mijnportfolio.entrypoints.cli import seed_demo_command
from tests.helpers import build_test_app
from tests.unit.fakes import FakePasswordHasher

TABLES = (
    orm.organisations, orm.users, orm.programmes, orm.modules, orm.exams, orm.exam_parts,
    orm.core_tasks, orm.work_processes, orm.criteria, orm.participant_groups, orm.students,
    orm.student_groups, orm.faq_items,
)


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) for t in TABLES}


def seed(uow_factory, clock) -> str:
    return seed_demo(uow_factory, clock, FakePasswordHasher(), production=False)


def test_seeding_twice_changes_nothing(engine, uow_factory, clock):
    seed(uow_factory, clock)
    first = counts(engine)
    seed(uow_factory, clock)
    assert counts(engine) == first
    assert first["students"] == 8
    assert first["participant_groups"] == 4
    assert first["faq_items"] >= 4
    assert first["programmes"] >= 1


def test_the_programme_and_exam_lm_have_two_parts_with_sound_criteria(uow_factory, clock):
    seed(uow_factory, clock)
    with uow_factory() as uow:
        programme = uow.programmes.get_by_crebo("25491")
        assert (programme.name, programme.level) == ("Verzorgende-IG", 3)
        exam = uow.exams.get_by_code(programme.id, "LM")
        assert exam.module_id in {m.id for m in uow.modules.list_for_programme(programme.id)}
        assert [p.number for p in exam.parts] == [1, 2]
        assert exam.max_attempts == 3
        assert exam.planning_instruction and exam.location
        assert str(exam.pass_mark) == "5.5" and exam.justification_score_set == {1, 2, 5}
        assert [ct.code for ct in exam.core_tasks] == ["B1-K1", "B1-K2"]
        exam_work_processes = {wp.id for wp in exam.work_processes}
        exam_core_tasks = {ct.id for ct in exam.core_tasks}
        for part in exam.parts:
            assert 8 <= len(part.criteria) <= 12
            for criterion in part.criteria:
                assert criterion.work_process.id in exam_work_processes
                assert criterion.work_process.core_task.id in exam_core_tasks
                assert {score.value for score in criterion.descriptors} == {1, 2, 3, 4, 5}
                assert all(text.strip() for text in criterion.descriptors.values())
        knock_outs = [c for c in exam.criteria() if c.knock_out]
        assert 1 <= len(knock_outs) <= 2
        # A core task may be spread over both parts.
        core_tasks_per_part = [{c.work_process.core_task.code for c in p.criteria} for p in exam.parts]
        assert "B1-K1" in core_tasks_per_part[0] & core_tasks_per_part[1]


def test_demo_students_are_linked_to_the_demo_supervisor(uow_factory, clock):
    seed(uow_factory, clock)
    with uow_factory() as uow:
        organisation = uow.organisations.get_by_name("Demo ROC")
        supervisor = uow.users.get_by_email("begeleider@demo.nl")
        trainer = uow.users.get_by_email("opleider@demo.nl")
        programme = uow.programmes.get_by_crebo("25491")
        for n in range(1, 8):
            student = uow.students.get_by_number(organisation.id, f"10000{n}")
            assert student.full_name == f"Demostudent {n}"
            assert student.email == f"student{n}@demo.nl"
            assert student.user.role is Role.STUDENT
            assert student.user.password_hash == FakePasswordHasher().hash("demo1234")
            assert student.supervisor_id == supervisor.id
            assert student.programme_id == programme.id
            assert student.cohort in ("2025", "2026")
            assert student.groups
        for n in (1, 2):
            assert uow.students.get_by_number(organisation.id, f"10000{n}").trainer_id == trainer.id
        other = uow.students.get_by_number(organisation.id, "200001")
        assert other.full_name == "Anderestudent"
        assert other.supervisor_id == uow.users.get_by_email("begeleider2@demo.nl").id
        assert other.trainer_id == uow.users.get_by_email("opleider2@demo.nl").id
        assert uow.users.get_by_email("opleider2@demo.nl").role is Role.TRAINER
        groups = {g.name: g.category for g in uow.groups.list_for_organisation(organisation.id)}
        assert groups == {
            "VIG-3A": "Klas", "VIG-3B": "Klas", "Zorgcentrum De Linde": "Locatie", "Thuiszorg Oost": "Locatie",
        }


def test_seeding_leaves_what_an_admin_changed_alone(uow_factory, clock):
    seed(uow_factory, clock)
    with uow_factory() as uow:
        items = list(uow.faq.list())
        uow.faq.delete(items[0])
        items[1].question = "Aangepaste vraag?"
        uow.commit()
    seed(uow_factory, clock)
    with uow_factory() as uow:
        questions = [i.question for i in uow.faq.list()]
    assert "Aangepaste vraag?" in questions
    assert len(questions) == len(items) - 1


def test_seeding_is_refused_in_production(engine, uow_factory, clock):
    before = counts(engine)
    with pytest.raises(DemoRefused):
        seed_demo(uow_factory, clock, FakePasswordHasher(), production=True)
    assert counts(engine) == before


def test_the_seed_demo_command_loads_the_demo(app):
    runner = app.test_cli_runner()
    result = runner.invoke(seed_demo_command)
    assert result.exit_code == 0, result.output
    assert "Demodata geladen" in result.output
    again = runner.invoke(seed_demo_command)
    assert again.exit_code == 0, again.output
    with app.extensions["container"].engine().connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(orm.students)) == 8


def test_the_seed_demo_command_exits_2_in_production(tmp_path, clock):
    app = build_test_app(tmp_path, clock=clock, env="production")
    try:
        result = app.test_cli_runner().invoke(seed_demo_command)
        assert result.exit_code == 2
        assert "MIJNPORTFOLIO_ENV=production" in result.output
        with app.extensions["container"].engine().connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).select_from(orm.users)) == 0
    finally:
        app.extensions["container"].engine().dispose()
