"""The exam aggregate and the catalogue queries on SQLite and on PostgreSQL."""

from __future__ import annotations

import attrs
import pytest

from mijnportfolio.adapters.exam_definition import EXAMPLE_YAML, parse_exam_definition
from mijnportfolio.adapters.queries_catalogue import SqlAlchemyCatalogueQueries
from mijnportfolio.application.catalogue import exams, programmes, structure, views
from mijnportfolio.domain.catalogue import InvalidExamDefinition, Programme
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor

ADMIN = Actor(user_id=1, role=Role.ADMIN)


def _example():
    return parse_exam_definition(EXAMPLE_YAML.encode(), "voorbeeld.yaml")


def _programme(uow_factory, crebo="25491", name="Verzorgende-IG") -> int:
    return programmes.create_programme(uow_factory(), ADMIN, programmes.ProgrammeData(name, crebo, 3))


def test_a_full_exam_survives_the_round_trip_through_the_database(uow_factory):
    programme_id = _programme(uow_factory)
    with uow_factory() as uow:
        exam = exams.build_exam(_example(), programme_id, None)
        uow.exams.add(exam)
        uow.commit()
        exam_id = exam.id
    # build_exam leaves the module to the caller (module_id None here), the rest comes back as it went in.
    assert exams.export_exam_definition(uow_factory(), ADMIN, exam_id) == attrs.evolve(_example(), module=None)
    with uow_factory() as uow:
        loaded = uow.exams.get(exam_id)
        assert [p.number for p in loaded.parts] == [1, 2]
        first = loaded.parts[0].criteria[0]
        assert first.work_process.code == "B1-K1-W1" and first.work_process.core_task.code == "B1-K1"
        assert first.descriptors.to_json() == {"1": "Brengt de gezondheidstoestand niet in kaart.",
                                     "3": "Brengt de belangrijkste aspecten in kaart.",
                                     "5": "Brengt alle aspecten volledig en onderbouwd in kaart."}
        assert loaded.parts[0].criteria[1].knock_out is True
        assert loaded.justification_score_set == {1, 2, 5} and str(loaded.pass_mark) == "5.5"


def test_importing_creates_the_module_and_replacing_keeps_one_exam(uow_factory):
    programme_id = _programme(uow_factory)
    definition = _example()
    created = exams.import_exam_definition(uow_factory(), ADMIN, programme_id, definition)
    assert created.created and created.part_count == 2 and created.criterion_count == 3
    assert exams.export_exam_definition(uow_factory(), ADMIN, created.exam_id) == definition
    # Replacing with the same part numbers and codes must not trip the unique constraints.
    replaced = exams.import_exam_definition(uow_factory(), ADMIN, programme_id, definition, replace=True)
    assert replaced.exam_id == created.exam_id and not replaced.created
    assert exams.export_exam_definition(uow_factory(), ADMIN, created.exam_id) == definition
    with uow_factory() as uow:
        assert [m.name for m in uow.modules.list_for_programme(programme_id)] == ["Beroepsgericht"]
        assert len(uow.exams.list_for_programme(programme_id)) == 1


def test_a_refused_definition_leaves_the_existing_exam_untouched(uow_factory):
    programme_id = _programme(uow_factory)
    definition = _example()
    exam_id = exams.import_exam_definition(uow_factory(), ADMIN, programme_id, definition).exam_id
    broken = definition.__class__(
        code=definition.code, name=definition.name, core_tasks=definition.core_tasks, parts=definition.parts[1:],
    )
    with pytest.raises(InvalidExamDefinition) as info:
        exams.import_exam_definition(uow_factory(), ADMIN, programme_id, broken, replace=True)
    assert any("Onderdeel 1 ontbreekt" in e or "nummer 2" in e for e in info.value.errors)
    assert exams.export_exam_definition(uow_factory(), ADMIN, exam_id) == definition


def test_deleting_a_part_renumbers_the_later_parts(uow_factory):
    programme_id = _programme(uow_factory)
    exam_id = exams.import_exam_definition(uow_factory(), ADMIN, programme_id, _example()).exam_id
    third = structure.add_part(uow_factory(), ADMIN, exam_id, structure.PartData("Derde"))
    first = views.exam_detail(uow_factory(), ADMIN, exam_id).parts[0].id
    structure.delete_part(uow_factory(), ADMIN, exam_id, first)
    view = views.exam_detail(uow_factory(), ADMIN, exam_id)
    assert [(p.number, p.title) for p in view.parts] == [(1, "Reflecteren"), (2, "Derde")]
    assert view.parts[1].id == third


def test_a_criterion_moves_between_parts_without_being_deleted(uow_factory):
    programme_id = _programme(uow_factory)
    exam_id = exams.import_exam_definition(uow_factory(), ADMIN, programme_id, _example()).exam_id
    view = views.exam_detail(uow_factory(), ADMIN, exam_id)
    criterion = view.parts[0].groups[0].criteria[0]
    structure.update_criterion(uow_factory(), ADMIN, exam_id, criterion.id, structure.CriterionData(
        part_id=view.parts[1].id, work_process_id=criterion.work_process_id, text="Verplaatst", descriptors={2: "Matig"}))
    after = views.exam_detail(uow_factory(), ADMIN, exam_id)
    moved = after.criterion(criterion.id)
    assert moved.part_id == view.parts[1].id and moved.text == "Verplaatst" and moved.descriptors == {2: "Matig"}
    assert after.criterion_count == 3


def test_the_programme_list_searches_sorts_and_pages_in_the_database(engine, uow_factory):
    for number in range(12):
        _programme(uow_factory, crebo=f"{10000 + number}", name=f"Opleiding {number:02d}")
    _programme(uow_factory, crebo="25491", name="Verzorgende-IG")
    with uow_factory() as uow:
        uow.exams.add(exams.build_exam(_example(), uow.programmes.get_by_crebo("25491").id))
        uow.commit()
    queries = SqlAlchemyCatalogueQueries(engine)
    page = programmes.list_programmes(queries, ADMIN, search="", sort="name", page=2, per_page=5)
    assert page.total == 13 and page.pages == 3 and [r.name for r in page.rows][0] == "Opleiding 05"
    found = programmes.list_programmes(queries, ADMIN, search="VERZORG", sort="name")
    assert [(r.crebo, r.exam_count, r.module_count, r.student_count) for r in found.rows] == [("25491", 1, 0, 0)]
    by_crebo = programmes.list_programmes(queries, ADMIN, search="", sort="-crebo", per_page=2)
    assert [r.crebo for r in by_crebo.rows] == ["25491", "10011"]
    by_exams = programmes.list_programmes(queries, ADMIN, search="", sort="-exams", per_page=1)
    assert by_exams.rows[0].crebo == "25491"
    assert programmes.list_programmes(queries, ADMIN, search="100_", sort="bogus").total == 0  # '_' is no wildcard
    assert programmes.list_programmes(queries, ADMIN, search="1001", sort="name").total == 2


def test_a_programme_with_an_exam_is_not_deleted(uow_factory):
    from mijnportfolio.domain.catalogue import ProgrammeInUse

    programme_id = _programme(uow_factory)
    exams.import_exam_definition(uow_factory(), ADMIN, programme_id, _example())
    with pytest.raises(ProgrammeInUse) as info:
        programmes.delete_programme(uow_factory(), ADMIN, programme_id)
    assert "er is nog 1 examen aan gekoppeld" in info.value.message
    with uow_factory() as uow:
        assert isinstance(uow.programmes.get(programme_id), Programme)
