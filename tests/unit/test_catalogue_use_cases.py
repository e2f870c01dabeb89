"""Catalogue use cases with in-memory fakes: permissions, rules, all-or-nothing."""

from __future__ import annotations

import types
from decimal import Decimal

import attrs
import pytest

from mijnportfolio.application.catalogue import exams, programmes, structure
from mijnportfolio.domain.catalogue import (
    CoreTaskDefinition,
    Criterion,
    CriterionDefinition,
    DuplicateCrebo,
    DuplicateExamCode,
    DuplicateStructureCode,
    Exam,
    ExamDefinition,
    InvalidExamDefinition,
    ModuleInUse,
    PartDefinition,
    ProgrammeInUse,
    ScoringDefinition,
    StructureInUse,
    WorkProcessDefinition,
)
from mijnportfolio.domain.errors import (
    ConcurrentModification,
    DuplicateName,
    FieldsInvalid,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from mijnportfolio.domain.scores import Score
from tests.unit.fakes import FakeUnitOfWorkFactory

ADMIN = Actor(user_id=1, role=Role.ADMIN)
OTHERS = [Actor(user_id=2, role=role, organisation_id=1) for role in (Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER, Role.STUDENT)]


@pytest.fixture
def uows():
    return FakeUnitOfWorkFactory()


def _definition() -> ExamDefinition:
    """The example exam file of the upload page, as the domain's definition."""
    return ExamDefinition(
        code="LM",
        name="Leidinggeven en meewerken",
        module="Beroepsgericht",
        planning_instruction="Plan beide onderdelen binnen zes weken op de werkplek.\nOnderdeel 2 volgt na onderdeel 1.",
        location="Op de werkplek van de student",
        max_attempts=3,
        scoring=ScoringDefinition(pass_mark=Decimal("5.5"), justification_scores=(1, 2, 5)),
        core_tasks=(
            CoreTaskDefinition("B1-K1", "Bieden van zorg en ondersteuning", (
                WorkProcessDefinition("B1-K1-W1", "Onderkent de gezondheidstoestand"),
                WorkProcessDefinition("B1-K1-W2", "Stelt het zorgplan op"),
            )),
            CoreTaskDefinition("B1-K2", "Werken aan kwaliteit en deskundigheid", (
                WorkProcessDefinition("B1-K2-W1", "Werkt aan de eigen deskundigheid"),
            )),
        ),
        parts=(
            PartDefinition(1, "Zorg verlenen", (
                CriterionDefinition(
                    "B1-K1-W1", "De student brengt de gezondheidstoestand van de zorgvrager in kaart.",
                    descriptors={
                        1: "Brengt de gezondheidstoestand niet in kaart.",
                        3: "Brengt de belangrijkste aspecten in kaart.",
                        5: "Brengt alle aspecten volledig en onderbouwd in kaart.",
                    },
                ),
                CriterionDefinition("B1-K1-W2", "De student stelt samen met de zorgvrager een zorgplan op.", knock_out=True),
            )),
            PartDefinition(2, "Reflecteren", (
                CriterionDefinition("B1-K2-W1", "De student reflecteert op het eigen handelen."),
            )),
        ),
    )


def _programme(uows, crebo="25491") -> int:
    return programmes.create_programme(uows(), ADMIN, programmes.ProgrammeData("Verzorgende-IG", crebo, "3"))


@pytest.mark.parametrize("actor", OTHERS, ids=lambda a: a.role.value)
def test_only_an_admin_may_touch_the_catalogue(uows, actor):
    programme_id = _programme(uows)
    calls = [
        lambda: programmes.create_programme(uows(), actor, programmes.ProgrammeData("X", "12345", 2)),
        lambda: programmes.update_programme(uows(), actor, programme_id, programmes.ProgrammeData("X", "12345", 2)),
        lambda: programmes.delete_programme(uows(), actor, programme_id),
        lambda: programmes.programme_detail(uows(), actor, programme_id),
        lambda: programmes.create_module(uows(), actor, programme_id, programmes.ModuleData("M")),
        lambda: exams.create_exam(uows(), actor, programme_id, exams.ExamData("LM", "Naam")),
        lambda: exams.import_exam_definition(uows(), actor, programme_id, _definition()),
        lambda: exams.export_exam_definition(uows(), actor, 1),
        lambda: structure.add_part(uows(), actor, 1, structure.PartData("x")),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert uows.commits == 1  # only the admin's programme


def test_a_programme_is_created_with_a_valid_crebo_and_level(uows):
    programme_id = _programme(uows)
    detail = programmes.programme_detail(uows(), ADMIN, programme_id)
    assert (detail.name, detail.crebo, detail.level) == ("Verzorgende-IG", "25491", 3)


@pytest.mark.parametrize(
    "data, error, message",
    [
        (programmes.ProgrammeData("X", "2549", 3), InvalidValue, "Een crebocode bestaat uit precies 5 cijfers."),
        (programmes.ProgrammeData("X", "25491", 3), DuplicateCrebo, "Er bestaat al een opleiding met crebocode 25491."),
        (programmes.ProgrammeData("X", "12345", 5), InvalidValue, "Het niveau moet 1, 2, 3 of 4 zijn."),
        (programmes.ProgrammeData("X", "12345", "drie"), InvalidValue, "Het niveau moet 1, 2, 3 of 4 zijn."),
        (programmes.ProgrammeData("", "12345", 2), InvalidValue, "Naam is verplicht."),
    ],
)
def test_bad_programme_data_is_refused_without_a_commit(uows, data, error, message):
    _programme(uows)
    with pytest.raises(error) as info:
        programmes.create_programme(uows(), ADMIN, data)
    assert info.value.message == message
    assert uows.commits == 1


def test_a_programme_that_students_follow_is_not_deleted(uows):
    programme_id = _programme(uows)
    uows.store.tables.setdefault("students", {})[99] = types.SimpleNamespace(id=99, programme_id=programme_id)
    with pytest.raises(ProgrammeInUse, match="er is nog 1 student aan gekoppeld"):
        programmes.delete_programme(uows(), ADMIN, programme_id)


def test_an_unused_programme_is_deleted_with_its_empty_modules(uows):
    programme_id = _programme(uows)
    programmes.create_module(uows(), ADMIN, programme_id, programmes.ModuleData("Keuzedeel"))
    assert programmes.delete_programme(uows(), ADMIN, programme_id) == "Verzorgende-IG"
    with uows() as uow:
        assert uow.programmes.get(programme_id) is None and uow.modules.all() == []


def test_module_names_are_unique_per_programme_and_a_module_with_exams_stays(uows):
    programme_id = _programme(uows)
    module_id = programmes.create_module(uows(), ADMIN, programme_id, programmes.ModuleData("Keuzedeel"))
    with pytest.raises(DuplicateName):
        programmes.create_module(uows(), ADMIN, programme_id, programmes.ModuleData("KEUZEDEEL"))
    exams.create_exam(uows(), ADMIN, programme_id, exams.ExamData("KD", "Keuzedeel", module_id=module_id))
    with pytest.raises(ModuleInUse, match=r"heeft nog examens \(KD\)"):
        programmes.delete_module(uows(), ADMIN, module_id)


def test_an_exam_may_only_use_a_module_of_its_own_programme(uows):
    first = _programme(uows)
    second = _programme(uows, "11111")
    foreign = programmes.create_module(uows(), ADMIN, second, programmes.ModuleData("Elders"))
    with pytest.raises(InvalidValue, match="Kies een module van deze opleiding."):
        exams.create_exam(uows(), ADMIN, first, exams.ExamData("LM", "Naam", module_id=foreign))


def test_importing_twice_needs_permission_to_replace(uows):
    programme_id = _programme(uows)
    first = exams.import_exam_definition(uows(), ADMIN, programme_id, _definition())
    assert first.created and first.criterion_count == 3
    with pytest.raises(DuplicateExamCode, match="Vink 'Bestaand examen met dezelfde code vervangen' aan"):
        exams.import_exam_definition(uows(), ADMIN, programme_id, attrs.evolve(_definition(), code="lm"))
    again = exams.import_exam_definition(uows(), ADMIN, programme_id, attrs.evolve(_definition(), name="Nieuw"), replace=True)
    assert again.exam_id == first.exam_id and not again.created
    assert exams.export_exam_definition(uows(), ADMIN, first.exam_id).name == "Nieuw"


def test_an_invalid_definition_is_refused_before_anything_is_written(uows):
    programme_id = _programme(uows)
    broken = attrs.evolve(_definition(), parts=())
    with pytest.raises(InvalidExamDefinition) as info:
        exams.import_exam_definition(uows(), ADMIN, programme_id, broken)
    assert "Examen: er moet minstens één onderdeel zijn (parts), met criteria." in info.value.errors
    with pytest.raises(InvalidExamDefinition):
        exams.build_exam(broken, programme_id)
    assert uows.commits == 1
    with uows() as uow:
        assert uow.exams.all() == [] and uow.modules.all() == []


def test_build_exam_makes_the_whole_aggregate_for_the_demo_seed():
    exam = exams.build_exam(_definition(), programme_id=7, module_id=3)
    assert (exam.programme_id, exam.module_id, exam.code) == (7, 3, "LM")
    assert [len(p.criteria) for p in exam.parts] == [2, 1]
    assert {w.core_task.code for w in exam.work_processes} == {"B1-K1", "B1-K2"}
    assert exam.parts[0].criteria[0].descriptors[Score(5)].startswith("Brengt alle aspecten")
    assert exam.to_definition("Beroepsgericht") == _definition()


# --- the editor's rules on the aggregate ---------------------------------------------------------


def _exam() -> Exam:
    return exams.build_exam(_definition(), programme_id=1)


def test_core_task_and_work_process_codes_are_unique_within_the_exam():
    exam = _exam()
    with pytest.raises(DuplicateStructureCode):
        exam.add_core_task("b1-k1-w1", "")
    with pytest.raises(DuplicateStructureCode):
        exam.add_work_process(exam.core_tasks[0], "B1-K2", "")
    exam.rename_core_task(exam.core_tasks[0], "B1-K1", "Nieuwe titel")  # its own code is fine


def test_structure_in_use_is_not_deleted():
    exam = _exam()
    with pytest.raises(StructureInUse, match="Kerntaak B1-K1 heeft nog werkprocessen"):
        exam.remove_core_task(exam.core_tasks[0])
    with pytest.raises(StructureInUse, match="Werkproces B1-K1-W1 heeft nog 1 criterium"):
        exam.remove_work_process(exam.work_processes[0])


def test_moving_a_criterion_swaps_it_with_its_neighbour_and_stops_at_the_ends():
    exam = _exam()
    part = exam.parts[0]
    extra = Criterion(text="Derde", work_process=exam.work_processes[0])
    exam.add_criterion(part, extra)
    order = lambda: [c.text[:5] for c in sorted(part.criteria, key=lambda c: c.position)]  # noqa: E731
    assert order() == ["De st", "De st", "Derde"]
    exam.move_criterion(extra, -1)
    exam.move_criterion(extra, -1)
    exam.move_criterion(extra, -1)
    assert order()[0] == "Derde"
    exam.move_criterion(extra, +1)
    assert order()[1] == "Derde"


def test_a_new_part_gets_the_next_number_and_removal_closes_the_gap():
    exam = _exam()
    third = exam.add_part("Derde")
    assert third.number == 3
    exam.remove_part(exam.parts[0])
    exam.renumber_parts()
    assert sorted(p.number for p in exam.parts) == [1, 2] and third.number == 2


def test_the_editor_refuses_a_criterion_without_text_or_outside_the_exam(uows):
    programme_id = _programme(uows)
    exam_id = exams.import_exam_definition(uows(), ADMIN, programme_id, _definition()).exam_id
    with uows() as uow:
        exam = uow.exams.get(exam_id)
        for number, part in enumerate(exam.parts, start=1):
            part.id = 1000 + number  # the fakes give no ids to children
        for number, wp in enumerate(exam.work_processes, start=1):
            wp.id = 2000 + number
        uow.commit()
    with pytest.raises(InvalidValue, match="De tekst van het criterium is verplicht."):
        structure.add_criterion(uows(), ADMIN, exam_id, structure.CriterionData(1001, 2001, "  "))
    with pytest.raises(InvalidValue, match="Kies een werkproces van dit examen."):
        structure.add_criterion(uows(), ADMIN, exam_id, structure.CriterionData(1001, 9999, "Tekst"))
    with pytest.raises(InvalidValue, match="score 6 is niet toegestaan"):
        structure.add_criterion(uows(), ADMIN, exam_id, structure.CriterionData(1001, 2001, "Tekst", descriptors={6: "x"}))
    with pytest.raises(NotFound):
        structure.delete_criterion(uows(), ADMIN, exam_id, 424242)


def test_an_empty_programme_form_reports_every_field_at_once(uows):
    with pytest.raises(FieldsInvalid) as info:
        programmes.create_programme(uows(), ADMIN, programmes.ProgrammeData("", "", ""))
    assert set(info.value.by_field) == {"name", "crebo", "level"}
    assert info.value.by_field["name"] == "Naam is verplicht."
    assert uows.commits == 0


def test_a_duplicate_crebo_is_reported_with_the_other_problems(uows):
    _programme(uows)
    with pytest.raises(FieldsInvalid) as info:
        programmes.create_programme(uows(), ADMIN, programmes.ProgrammeData("", "25491", "9"))
    assert info.value.by_field["crebo"] == "Er bestaat al een opleiding met crebocode 25491."
    assert set(info.value.by_field) == {"name", "crebo", "level"}


def test_a_programme_edit_on_a_form_loaded_before_someone_else_saved_is_refused(uows):
    programme_id = _programme(uows)
    loaded = programmes.programme_detail(uows(), ADMIN, programme_id).version
    programmes.update_programme(
        uows(), ADMIN, programme_id, programmes.ProgrammeData("VIG", "25491", "3"), expected_version=loaded
    )
    uows.store.tables["programmes"][programme_id].version += 1  # what the database does on commit
    with pytest.raises(ConcurrentModification):
        programmes.update_programme(
            uows(), ADMIN, programme_id, programmes.ProgrammeData("Te laat", "25491", "2"), expected_version=loaded
        )
    detail = programmes.programme_detail(uows(), ADMIN, programme_id)
    assert (detail.name, detail.level) == ("VIG", 3)


def test_a_part_whose_title_is_cleared_keeps_an_empty_title(uows):
    programme_id = _programme(uows)
    exam_id = exams.import_exam_definition(uows(), ADMIN, programme_id, _definition()).exam_id
    with uows() as uow:
        for number, part in enumerate(uow.exams.get(exam_id).parts, start=1):
            part.id = 1000 + number  # the fakes give no ids to children
        uow.commit()
    structure.update_part(uows(), ADMIN, exam_id, 1002, structure.PartData("  "))
    assert {p.number: p.title for p in uows().exams.get(exam_id).parts} == {1: "Zorg verlenen", 2: ""}


def test_a_criterion_form_reports_every_field_at_once(uows):
    programme_id = _programme(uows)
    exam_id = exams.import_exam_definition(uows(), ADMIN, programme_id, _definition()).exam_id
    with pytest.raises(FieldsInvalid) as info:
        structure.add_criterion(uows(), ADMIN, exam_id, structure.CriterionData(None, None, ""))
    assert set(info.value.by_field) == {"part_id", "work_process_id", "text"}
