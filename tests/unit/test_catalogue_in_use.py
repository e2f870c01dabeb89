"""Once students have attempts at an exam, what decides their results stays; texts may change."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.application.catalogue import exams, programmes, structure, views
from mijnportfolio.domain.catalogue import ExamInUse
from mijnportfolio.domain.examination.planning import Attempt
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.test_catalogue_use_cases import _definition

ADMIN = Actor(user_id=1, role=Role.ADMIN)


@pytest.fixture
def exam_in_use():
    uows = FakeUnitOfWorkFactory()
    programme_id = programmes.create_programme(uows(), ADMIN, programmes.ProgrammeData("VIG", "25491", "3"))
    exam_id = exams.import_exam_definition(uows(), ADMIN, programme_id, _definition()).exam_id
    with uows() as uow:
        uow.attempts.add(Attempt(student_id=5, exam_id=exam_id, number=1, created_at=dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)))
        uow.commit()
    return uows, exam_id


def test_structure_changes_are_refused(exam_in_use):
    uows, exam_id = exam_in_use
    view = views.exam_detail(uows(), ADMIN, exam_id)
    criterion = view.parts[0].groups[0].criteria[0]
    refused = [
        lambda: structure.add_part(uows(), ADMIN, exam_id, structure.PartData("Extra")),
        lambda: structure.delete_part(uows(), ADMIN, exam_id, view.parts[1].id),
        lambda: structure.delete_criterion(uows(), ADMIN, exam_id, criterion.id),
        lambda: structure.add_criterion(uows(), ADMIN, exam_id, structure.CriterionData(view.parts[0].id, criterion.work_process_id, "Nieuw")),
        lambda: structure.update_criterion(uows(), ADMIN, exam_id, criterion.id, structure.CriterionData(
            view.parts[0].id, criterion.work_process_id, criterion.text, knock_out=not criterion.knock_out)),
        lambda: exams.delete_exam(uows(), ADMIN, exam_id),
        lambda: exams.import_exam_definition(uows(), ADMIN, view.programme_id, _definition(), replace=True),
        lambda: exams.update_exam(uows(), ADMIN, exam_id, exams.ExamData(view.code, view.name, pass_mark="6,0")),
    ]
    for change in refused:
        with pytest.raises(ExamInUse, match="kun je niet meer"):
            change()
    assert views.exam_detail(uows(), ADMIN, exam_id).criterion_count == view.criterion_count


def test_texts_and_the_header_may_still_be_corrected(exam_in_use):
    uows, exam_id = exam_in_use
    view = views.exam_detail(uows(), ADMIN, exam_id)
    criterion = view.parts[0].groups[0].criteria[0]
    structure.update_criterion(uows(), ADMIN, exam_id, criterion.id, structure.CriterionData(
        view.parts[0].id, criterion.work_process_id, "Verbeterde tekst", knock_out=criterion.knock_out, descriptors={3: "Goed"}))
    exams.update_exam(uows(), ADMIN, exam_id, exams.ExamData(view.code, "Nieuwe naam", pass_mark="5,5",
                                                             justification_scores=(1, 5)))
    after = views.exam_detail(uows(), ADMIN, exam_id)
    assert after.name == "Nieuwe naam" and after.criterion(criterion.id).text == "Verbeterde tekst"
