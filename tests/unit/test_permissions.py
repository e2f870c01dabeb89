"""The permission policy of product.md section 2."""

from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor, Permission, StudentFacts, is_allowed, student_scope

STUDENT = StudentFacts(organisation_id=1, user_id=50, supervisor_id=10, trainer_id=11)


def test_an_admin_may_do_everything_in_every_organisation():
    admin = Actor(user_id=1, role=Role.ADMIN)
    assert all(is_allowed(admin, p, student=STUDENT) for p in Permission)


def test_a_linked_supervisor_sees_and_plans_but_does_not_manage_students():
    supervisor = Actor(user_id=10, role=Role.SUPERVISOR, organisation_id=1)
    assert is_allowed(supervisor, Permission.VIEW_STUDENT, student=STUDENT)
    assert is_allowed(supervisor, Permission.PLAN_EXAM, student=STUDENT)
    assert is_allowed(supervisor, Permission.MANAGE_GROUPS, organisation_id=1)
    assert not is_allowed(supervisor, Permission.MANAGE_STUDENTS)


def test_staff_of_another_organisation_see_nothing_even_when_ids_match():
    stranger = Actor(user_id=10, role=Role.SUPERVISOR, organisation_id=2)
    assert not is_allowed(stranger, Permission.VIEW_STUDENT, student=STUDENT)
    assert not is_allowed(stranger, Permission.MANAGE_GROUPS, organisation_id=1)


def test_an_examiner_plans_only_when_the_organisation_allows_it():
    examiner = Actor(user_id=12, role=Role.EXAMINER, organisation_id=1)
    linked = StudentFacts(organisation_id=1, user_id=50, supervisor_id=10, examiner_ids=frozenset({12}))
    assert not is_allowed(examiner, Permission.PLAN_EXAM, student=linked)
    assert is_allowed(examiner, Permission.PLAN_EXAM, student=linked, examiners_may_plan=True)


def test_a_trainer_follows_linked_students_read_only():
    trainer = Actor(user_id=11, role=Role.TRAINER, organisation_id=1)
    assert is_allowed(trainer, Permission.VIEW_STUDENT, student=STUDENT)
    assert is_allowed(trainer, Permission.IMPERSONATE_STUDENT, student=STUDENT)
    assert not is_allowed(trainer, Permission.PLAN_EXAM, student=STUDENT)
    assert not is_allowed(trainer, Permission.MANAGE_GROUPS, organisation_id=1)


def test_a_student_sees_only_their_own_portfolio():
    me = Actor(user_id=50, role=Role.STUDENT, organisation_id=1)
    other = Actor(user_id=51, role=Role.STUDENT, organisation_id=1)
    assert is_allowed(me, Permission.VIEW_STUDENT, student=STUDENT)
    assert not is_allowed(other, Permission.VIEW_STUDENT, student=STUDENT)
    assert student_scope(me).own_user_id == 50


def test_the_exam_dashboard_is_for_staff_who_plan_or_assess():
    allowed = {
        role: is_allowed(Actor(user_id=7, role=role, organisation_id=None if role is Role.ADMIN else 1),
                         Permission.VIEW_EXAM_DASHBOARD)
        for role in Role
    }
    assert allowed == {
        Role.ADMIN: True, Role.SUPERVISOR: True, Role.EXAMINER: True, Role.TRAINER: False, Role.STUDENT: False,
    }


def test_looking_along_is_for_the_admin_and_linked_supervisors_and_trainers_only():
    linked_examiner = StudentFacts(organisation_id=1, user_id=50, supervisor_id=10, examiner_ids=frozenset({12}))
    assert is_allowed(Actor(user_id=1, role=Role.ADMIN), Permission.IMPERSONATE_STUDENT, student=STUDENT)
    assert is_allowed(Actor(user_id=10, role=Role.SUPERVISOR, organisation_id=1), Permission.IMPERSONATE_STUDENT,
                      student=STUDENT)
    assert not is_allowed(Actor(user_id=99, role=Role.SUPERVISOR, organisation_id=1), Permission.IMPERSONATE_STUDENT,
                          student=STUDENT)
    assert not is_allowed(Actor(user_id=12, role=Role.EXAMINER, organisation_id=1), Permission.IMPERSONATE_STUDENT,
                          student=linked_examiner)
    assert not is_allowed(Actor(user_id=50, role=Role.STUDENT, organisation_id=1), Permission.IMPERSONATE_STUDENT,
                          student=STUDENT)


def test_only_supervisors_with_an_organisation_and_admins_manage_groups():
    assert is_allowed(Actor(user_id=1, role=Role.ADMIN), Permission.MANAGE_GROUPS)
    assert is_allowed(Actor(user_id=10, role=Role.SUPERVISOR, organisation_id=1), Permission.MANAGE_GROUPS)
    assert not is_allowed(Actor(user_id=10, role=Role.SUPERVISOR), Permission.MANAGE_GROUPS)
    for role in (Role.EXAMINER, Role.TRAINER, Role.STUDENT):
        assert not is_allowed(Actor(user_id=10, role=role, organisation_id=1), Permission.MANAGE_GROUPS)


@given(
    role=st.sampled_from([Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER, Role.STUDENT]),
    user_id=st.integers(min_value=100, max_value=10_000),
    permission=st.sampled_from(list(Permission)),
)
def test_nobody_but_an_admin_gets_anything_on_a_student_they_are_not_linked_to(role, user_id, permission):
    actor = Actor(user_id=user_id, role=role, organisation_id=1)
    if permission in (
        Permission.READ_FAQ, Permission.LIST_STUDENTS, Permission.MANAGE_GROUPS, Permission.VIEW_EXAM_DASHBOARD
    ):
        return  # not about one student
    assert not is_allowed(actor, permission, student=STUDENT)
