"""The portal's repositories on SQLite and PostgreSQL: the profile columns, sessions of looking
along with their log (search, paging, a fixed number of statements) and staff contacts."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from mijnportfolio.domain.account import StaffContact
from mijnportfolio.domain.catalogue import Programme
from mijnportfolio.domain.errors import ConcurrentModification
from mijnportfolio.domain.impersonation import EndReason, ImpersonationSession
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.students import Student, StudentProfile
from tests.helpers import NOW


@pytest.fixture
def people(uow_factory):
    with uow_factory() as uow:
        org = Organisation(name="School")
        uow.organisations.add(org)
        programme = Programme(name="VIG", crebo="25491", level=3)
        uow.programmes.add(programme)
        uow.flush()
        staff = {}
        for email, first, infix, last in (("bas@t.nl", "Bas", "de", "Begeleider"), ("olga@t.nl", "Olga", None, "Opleider")):
            staff[email] = User(email=email, role=Role.SUPERVISOR, first_name=first, infix=infix, last_name=last,
                                organisation_id=org.id)
            uow.users.add(staff[email])
        uow.flush()
        students = {}
        for number, first in (("100001", "Fleur"), ("100002", "Zoë")):
            user = User(email=f"{number}@student.nl", role=Role.STUDENT, first_name=first, last_name="Student",
                        organisation_id=org.id)
            uow.users.add(user)
            uow.flush()
            students[number] = Student(organisation_id=org.id, student_number=number, user=user,
                                       programme_id=programme.id, supervisor_id=staff["bas@t.nl"].id)
            uow.students.add(students[number])
        uow.flush()
        result = {"staff": {k: v.id for k, v in staff.items()}, "students": {k: v.id for k, v in students.items()}}
        uow.commit()
        return result


def test_the_profile_and_photo_are_stored_on_the_student(uow_factory, people):
    with uow_factory() as uow:
        student = uow.students.get(people["students"]["100001"])
        student.update_profile(StudentProfile(phone="06-1", street="Dorpsstraat 1", postcode="1234 AB", city="Utrecht",
                                              introduction="Hallo\nwereld"))
        assert student.replace_photo("abc.png", "image/png") is None
        uow.commit()
    with uow_factory() as uow:
        student = uow.students.get(people["students"]["100001"])
        assert (student.street, student.postcode, student.city, student.introduction) == (
            "Dorpsstraat 1", "1234 AB", "Utrecht", "Hallo\nwereld")
        assert (student.photo_key, student.photo_type, student.version) == ("abc.png", "image/png", 2)


def _record(uow_factory, staff_id, student_id, minutes_ago, end=None):
    with uow_factory() as uow:
        record = ImpersonationSession.begin(staff_id, student_id, NOW - dt.timedelta(minutes=minutes_ago))
        if end is not None:
            record.end(record.started_at + dt.timedelta(minutes=2), end)
        uow.impersonations.add(record)
        uow.commit()
        return record.id


def test_the_log_lists_sessions_newest_first_with_names_and_how_they_ended(uow_factory, people):
    bas, olga = people["staff"]["bas@t.nl"], people["staff"]["olga@t.nl"]
    fleur, zoe = people["students"]["100001"], people["students"]["100002"]
    _record(uow_factory, bas, fleur, 90, EndReason.STOPPED)
    _record(uow_factory, olga, zoe, 60)
    newest = _record(uow_factory, bas, zoe, 5)
    with uow_factory() as uow:
        log = uow.impersonations.log_page(None, 1, 50)
    assert log.total == 3 and log.pages == 1 and log.rows[0].id == newest
    assert [(r.staff_name, r.student_name) for r in log.rows] == [
        ("Bas de Begeleider", "Zoë Student"), ("Olga Opleider", "Zoë Student"), ("Bas de Begeleider", "Fleur Student")]
    assert log.rows[2].end_reason is EndReason.STOPPED and log.rows[0].ended_at is None
    assert log.rows[0].staff_role == "supervisor" and log.rows[0].started_at.tzinfo is not None


@pytest.mark.parametrize("q, expected", [("zoe", 2), ("ZOË", 2), ("begeleider", 2), ("100001", 1), ("olga@t", 1), ("%", 0), ("bas fleur", 1)])
def test_the_log_searches_staff_and_students_without_minding_case_or_accents(uow_factory, people, q, expected):
    bas, olga = people["staff"]["bas@t.nl"], people["staff"]["olga@t.nl"]
    fleur, zoe = people["students"]["100001"], people["students"]["100002"]
    _record(uow_factory, bas, fleur, 90)
    _record(uow_factory, olga, zoe, 60)
    _record(uow_factory, bas, zoe, 5)
    with uow_factory() as uow:
        assert uow.impersonations.log_page(q, 1, 50).total == expected


def test_the_log_pages_and_a_page_beyond_the_last_shows_the_last(uow_factory, people, engine):
    for minutes in range(7):
        _record(uow_factory, people["staff"]["bas@t.nl"], people["students"]["100001"], minutes)
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with uow_factory() as uow:
        page = uow.impersonations.log_page(None, 9, 3)
    assert (page.page, page.pages, page.total, len(page.rows)) == (3, 3, 7, 1)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_staff_contacts_are_kept_by_user_and_refuse_a_stale_save(uow_factory, people):
    bas = people["staff"]["bas@t.nl"]
    with uow_factory() as uow:
        uow.staff_contacts.add(StaffContact(user_id=bas, phone="030-1234567"))
        uow.commit()
    with uow_factory() as first, uow_factory() as second:
        first.staff_contacts.get(bas).phone = "06-1"
        second.staff_contacts.get(bas).phone = "06-2"
        first.commit()
        with pytest.raises(ConcurrentModification):
            second.commit()
    with uow_factory() as uow:
        assert (uow.staff_contacts.get(bas).phone, uow.staff_contacts.get(bas).version) == ("06-1", 2)
