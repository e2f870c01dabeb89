"""FAQ use cases with in-memory fakes: admins maintain the list, everyone reads and searches it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mijnportfolio.application import faq
from mijnportfolio.domain.errors import ConcurrentModification, FieldsInvalid, InvalidValue, NotFound, PermissionDenied
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.unit.fakes import FakeUnitOfWorkFactory

ADMIN = Actor(user_id=1, role=Role.ADMIN)
SUPERVISOR = Actor(user_id=2, role=Role.SUPERVISOR, organisation_id=10)
STUDENT = Actor(user_id=3, role=Role.STUDENT, organisation_id=10)
NON_ADMINS = [
    SUPERVISOR,
    STUDENT,
    Actor(user_id=4, role=Role.EXAMINER, organisation_id=10),
    Actor(user_id=5, role=Role.TRAINER, organisation_id=10),
]


@pytest.fixture
def uows():
    return FakeUnitOfWorkFactory()


def add(uows, question: str, answer: str = "Een antwoord.") -> int:
    return faq.create_faq_item(uows(), ADMIN, faq.FaqData(question=question, answer=answer))


def questions(uows, actor=ADMIN, query=None) -> list[str]:
    return [e.question for e in faq.list_faq(uows(), actor, query)]


def test_an_admin_adds_questions_at_the_end_of_the_list(uows):
    add(uows, "Hoe plan ik een examen?")
    add(uows, "Hoe werkt een herkansing?")
    assert questions(uows) == ["Hoe plan ik een examen?", "Hoe werkt een herkansing?"]
    assert uows.commits == 2


def test_question_and_answer_are_trimmed_and_line_breaks_normalised(uows):
    item_id = faq.create_faq_item(uows(), ADMIN, faq.FaqData(question="  Vraag?  ", answer="Regel 1\r\nRegel 2\r\n"))
    entry = faq.get_faq_item(uows(), ADMIN, item_id)
    assert entry.question == "Vraag?"
    assert entry.answer == "Regel 1\nRegel 2"


@pytest.mark.parametrize("actor", NON_ADMINS, ids=lambda a: a.role.value)
def test_only_admins_may_change_the_faq(uows, actor):
    item_id = add(uows, "Vraag?")
    before = uows.commits
    data = faq.FaqData(question="Nieuw?", answer="Nieuw.")
    with pytest.raises(PermissionDenied):
        faq.create_faq_item(uows(), actor, data)
    with pytest.raises(PermissionDenied):
        faq.update_faq_item(uows(), actor, item_id, data)
    with pytest.raises(PermissionDenied):
        faq.delete_faq_item(uows(), actor, item_id)
    with pytest.raises(PermissionDenied):
        faq.move_faq_item_down(uows(), actor, item_id)
    with pytest.raises(PermissionDenied):
        faq.get_faq_item(uows(), actor, item_id)
    assert uows.commits == before
    assert not faq.may_edit_faq(actor)
    assert questions(uows, actor) == ["Vraag?"]  # but everyone reads


@pytest.mark.parametrize(
    "question, answer, message",
    [
        ("", "Antwoord", "Vraag is verplicht."),
        ("   ", "Antwoord", "Vraag is verplicht."),
        (None, "Antwoord", "Vraag is verplicht."),
        ("Vraag?", "", "Antwoord is verplicht."),
        ("Vraag?", " \r\n ", "Antwoord is verplicht."),
        ("x" * 301, "Antwoord", "Vraag mag hoogstens 300 tekens lang zijn."),
        ("Vraag?", "y" * 10_001, "Antwoord mag hoogstens 10000 tekens lang zijn."),
    ],
)
def test_bad_input_gets_a_dutch_message_and_nothing_is_stored(uows, question, answer, message):
    with pytest.raises(InvalidValue) as info:
        faq.create_faq_item(uows(), ADMIN, faq.FaqData(question=question, answer=answer))
    assert info.value.message == message
    assert info.value.field in ("question", "answer")
    assert questions(uows) == []
    assert uows.commits == 0


def test_an_admin_edits_a_question(uows):
    item_id = add(uows, "Oud?", "Oud antwoord.")
    faq.update_faq_item(uows(), ADMIN, item_id, faq.FaqData(question="Nieuw?", answer="Nieuw antwoord."))
    entry = faq.get_faq_item(uows(), ADMIN, item_id)
    assert (entry.question, entry.answer) == ("Nieuw?", "Nieuw antwoord.")


def test_editing_with_bad_input_keeps_the_old_text(uows):
    item_id = add(uows, "Oud?", "Oud antwoord.")
    with pytest.raises(InvalidValue):
        faq.update_faq_item(uows(), ADMIN, item_id, faq.FaqData(question="Nieuw?", answer=""))
    assert faq.get_faq_item(uows(), ADMIN, item_id).question == "Oud?"


def test_a_missing_question_is_not_found(uows):
    with pytest.raises(NotFound):
        faq.get_faq_item(uows(), ADMIN, 999)
    with pytest.raises(NotFound):
        faq.update_faq_item(uows(), ADMIN, 999, faq.FaqData(question="a", answer="b"))
    with pytest.raises(NotFound):
        faq.delete_faq_item(uows(), ADMIN, 999)
    with pytest.raises(NotFound):
        faq.move_faq_item_up(uows(), ADMIN, 999)


def test_deleting_renumbers_the_rest(uows):
    a, b, c = (add(uows, q) for q in ("A?", "B?", "C?"))
    assert faq.delete_faq_item(uows(), ADMIN, b) == "B?"
    entries = faq.list_faq(uows(), ADMIN)
    assert [(e.question, e.position) for e in entries] == [("A?", 1), ("C?", 2)]


def test_moving_up_and_down_swaps_with_the_neighbour(uows):
    a, b, c = (add(uows, q) for q in ("A?", "B?", "C?"))
    assert faq.move_faq_item_up(uows(), ADMIN, c)
    assert questions(uows) == ["A?", "C?", "B?"]
    assert faq.move_faq_item_down(uows(), ADMIN, a)
    assert questions(uows) == ["C?", "A?", "B?"]


def test_moving_past_either_end_changes_nothing(uows):
    a, b = add(uows, "A?"), add(uows, "B?")
    before = uows.commits
    assert not faq.move_faq_item_up(uows(), ADMIN, a)
    assert not faq.move_faq_item_down(uows(), ADMIN, b)
    assert questions(uows) == ["A?", "B?"]
    assert uows.commits == before


def test_the_list_marks_its_first_and_last_item(uows):
    add(uows, "A?"), add(uows, "B?"), add(uows, "C?")
    entries = faq.list_faq(uows(), STUDENT)
    assert [(e.is_first, e.is_last) for e in entries] == [(True, False), (False, False), (False, True)]


def test_search_ignores_case_and_accents_and_looks_in_question_and_answer(uows):
    add(uows, "Hoe plan ik een examen?", "Via het Examendashboard.")
    add(uows, "Wat is een herkansing?", "Een nieuwe poging na een onvoldoende.")
    add(uows, "Hoe importeer ik studenten?", "Met een CSV-bestand; coördinatoren doen dit vaak.")
    assert questions(uows, SUPERVISOR, "EXAMEN") == ["Hoe plan ik een examen?"]
    assert questions(uows, SUPERVISOR, "onvoldoende") == ["Wat is een herkansing?"]
    assert questions(uows, SUPERVISOR, "coordinatoren") == ["Hoe importeer ik studenten?"]
    assert questions(uows, SUPERVISOR, "hoe csv") == ["Hoe importeer ik studenten?"]
    assert questions(uows, SUPERVISOR, "bestaat-niet") == []
    assert len(questions(uows, SUPERVISOR, "   ")) == 3


@settings(max_examples=50, deadline=None)
@given(moves=st.lists(st.tuples(st.integers(0, 4), st.sampled_from([-1, 1])), max_size=20))
def test_any_sequence_of_moves_keeps_every_question_once_with_positions_1_to_n(moves):
    uows = FakeUnitOfWorkFactory()
    ids = [add(uows, f"Vraag {n}?") for n in range(5)]
    for index, offset in moves:
        faq.move_faq_item(uows(), ADMIN, ids[index], offset)
    entries = faq.list_faq(uows(), ADMIN)
    assert sorted(e.id for e in entries) == sorted(ids)
    assert [e.position for e in entries] == [1, 2, 3, 4, 5]


def test_an_edit_on_a_form_loaded_before_another_admin_saved_is_refused(uows):
    item_id = add(uows, "Oud?", "Oud antwoord.")
    loaded = faq.get_faq_item(uows(), ADMIN, item_id).version
    faq.update_faq_item(uows(), ADMIN, item_id, faq.FaqData("Eerst?", "Eerst."), expected_version=loaded)
    uows.store.tables["faq"][item_id].version += 1  # what the database does on commit
    with pytest.raises(ConcurrentModification):
        faq.update_faq_item(uows(), ADMIN, item_id, faq.FaqData("Later?", "Later."), expected_version=loaded)
    assert faq.get_faq_item(uows(), ADMIN, item_id).question == "Eerst?"


def test_an_empty_form_names_both_missing_fields_at_once(uows):
    with pytest.raises(FieldsInvalid) as info:
        faq.create_faq_item(uows(), ADMIN, faq.FaqData(question="", answer=" "))
    assert info.value.by_field == {"question": "Vraag is verplicht.", "answer": "Antwoord is verplicht."}
    assert uows.commits == 0
