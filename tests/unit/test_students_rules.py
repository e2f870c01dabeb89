"""Pure rules of students: Dutch name order, student numbers, formula neutralising."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.errors import InvalidValue
from mijnportfolio.domain.organisations import Role, User
from mijnportfolio.domain.students import (
    ParticipantGroup,
    Student,
    name_sort_key,
    neutralise_formula,
    validate_student_number,
)

names = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=12)
infixes = st.sampled_from([None, "van", "van der", "de", "ter", "van den", "'t"])


def test_the_infix_does_not_count_in_dutch_name_order():
    people = [("Piet", None, "Jansen"), ("Fleur", "van der", "Berg"), ("Zoë", None, "Aalders")]
    ordered = sorted(people, key=lambda p: name_sort_key(*p))
    assert [p[2] for p in ordered] == ["Aalders", "Berg", "Jansen"]


@given(first=names, last=names, infix_a=infixes, infix_b=infixes)
def test_adding_an_infix_never_moves_a_name_between_other_last_names(first, last, infix_a, infix_b):
    # 'van der Berg' and 'Berg' sort together; the infix only breaks ties between them.
    key_a = name_sort_key(first, infix_a, last)
    key_b = name_sort_key(first, infix_b, last)
    assert key_a.split("\x1f")[:2] == key_b.split("\x1f")[:2]


@given(first=names, infix=infixes, last_a=names, last_b=names)
def test_last_names_decide_the_order_whatever_the_infix(first, infix, last_a, last_b):
    a = name_sort_key(first, infix, last_a)
    b = name_sort_key(first, None, last_b)
    fa, fb = a.split("\x1f")[0], b.split("\x1f")[0]
    if fa < fb:
        assert a < b
    elif fa > fb:
        assert a > b


@given(last=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_case_does_not_change_the_order(last):
    assert name_sort_key(None, None, last.upper()) == name_sort_key(None, None, last)


def test_accents_do_not_change_the_order():
    assert name_sort_key("Zoë", None, "Éénhoorn") == name_sort_key("zoe", None, "eenhoorn")


def test_student_numbers_keep_their_leading_zeros():
    assert validate_student_number("  000123 ") == "000123"


@pytest.mark.parametrize("bad", ["", "  ", "12 34", "x" * 51])
def test_bad_student_numbers_are_refused_with_a_message(bad):
    with pytest.raises(InvalidValue) as info:
        validate_student_number(bad)
    assert info.value.field == "student_number" and info.value.message


@pytest.mark.parametrize("text", ["=SUM(A1)", "+31612345678", "-1", "@cmd", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert neutralise_formula(text) == "'" + text


@given(st.text())
def test_neutralising_only_ever_prefixes_a_quote(text):
    result = neutralise_formula(text)
    assert result == text or result == "'" + text
    assert not str(result).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_non_text_values_pass_unchanged():
    assert neutralise_formula(5) == 5 and neutralise_formula(None) is None


def _student() -> Student:
    user = User(email="s@t.nl", role=Role.STUDENT, last_name="S", id=9)
    return Student(organisation_id=1, student_number="1", user=user, programme_id=1, supervisor_id=2)


def test_joining_twice_changes_nothing_and_leaving_twice_neither():
    student, group = _student(), ParticipantGroup(organisation_id=1, name="A", id=5)
    assert student.join(group) is True and student.join(group) is False
    assert student.leave(group) is True and student.leave(group) is False
    assert student.groups == set()


def test_deactivating_a_student_also_stops_their_login():
    student = _student()
    student.set_active(False)
    assert student.active is False and student.user.active is False


def test_the_collected_errors_of_a_student_are_the_general_kind_under_their_old_name():
    from mijnportfolio.domain.errors import FieldsInvalid, InvalidValue
    from mijnportfolio.domain.students import StudentDataInvalid, raise_collected

    with pytest.raises(StudentDataInvalid) as info:
        raise_collected([InvalidValue("a", field="x"), InvalidValue("b", field="y")])
    assert isinstance(info.value, FieldsInvalid) and info.value.by_field == {"x": "a", "y": "b"}
    with pytest.raises(InvalidValue):
        raise_collected([InvalidValue("alleen", field="x")])
    raise_collected([])
