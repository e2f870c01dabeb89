"""The one permission policy of product.md section 2, as pure functions.

Every use case asks ``is_allowed`` (or ``require``) before it acts. Read models that list
students translate ``student_scope`` into SQL; both follow the same table below.
"""

from __future__ import annotations

import enum

import attrs

from .errors import NotFound, PermissionDenied
from .organisations import Role


class Permission(enum.Enum):
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_STAFF = "manage_staff"
    MANAGE_STUDENTS = "manage_students"  # create, edit, deactivate, import
    EDIT_CATALOGUE = "edit_catalogue"  # programmes, modules, exams
    EDIT_FAQ = "edit_faq"
    EDIT_QUESTIONNAIRES = "edit_questionnaires"
    READ_FAQ = "read_faq"
    LIST_STUDENTS = "list_students"  # open "Portfolio's" / "Mijn Portfolio" at all
    VIEW_STUDENT = "view_student"  # portfolio and results of one student
    MANAGE_GROUPS = "manage_groups"  # create, edit, delete, bulk add/remove
    PLAN_EXAM = "plan_exam"
    IMPERSONATE_STUDENT = "impersonate_student"  # "Log in als deze student"
    VIEW_EXAM_DASHBOARD = "view_exam_dashboard"  # the 'Examendashboard' (staff who plan or assess)
    ANSWER_QUESTIONNAIRES = "answer_questionnaires"  # a student: the questionnaires assigned to them
    VIEW_QUESTIONNAIRE_RESPONSES = "view_questionnaire_responses"  # staff: responses of students they may see
    VIEW_IMPERSONATION_LOG = "view_impersonation_log"  # who looked along with whom, and when (admins)
    CORRECT_RESULTS = "correct_results"  # corrections by decision, the audit trail, calibration (admins)


@attrs.frozen
class Actor:
    """Who acts: enough of the user to decide, nothing more."""

    user_id: int
    role: Role
    organisation_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@attrs.frozen
class StudentFacts:
    """What the policy needs to know about one student."""

    organisation_id: int
    user_id: int
    supervisor_id: int | None = None
    trainer_id: int | None = None
    examiner_ids: frozenset[int] = frozenset()  # examiners 1/2 of the student's planned parts

    def is_linked_to(self, user_id: int) -> bool:
        return user_id in {self.supervisor_id, self.trainer_id} or user_id in self.examiner_ids


def is_allowed(
    actor: Actor,
    permission: Permission,
    *,
    organisation_id: int | None = None,
    student: StudentFacts | None = None,
    examiners_may_plan: bool = False,
) -> bool:
    """True when ``actor`` may do ``permission`` (on the organisation or student given)."""
    role = actor.role
    if role is Role.ADMIN:
        # Admins manage everything in every organisation, but do not assess or plan as examiner.
        return True
    same_org = organisation_id is None or organisation_id == actor.organisation_id
    if student is not None:
        same_org = student.organisation_id == actor.organisation_id
    if permission is Permission.READ_FAQ:
        return True
    if permission is Permission.LIST_STUDENTS:
        return role in (Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER, Role.STUDENT)
    if permission is Permission.VIEW_EXAM_DASHBOARD:
        # Trainers follow read-only and students have their own page: neither plans nor assesses.
        return role in (Role.SUPERVISOR, Role.EXAMINER)
    if permission is Permission.VIEW_STUDENT:
        if student is None:
            return False
        if role is Role.STUDENT:
            return student.user_id == actor.user_id
        return same_org and student.is_linked_to(actor.user_id)
    if permission is Permission.MANAGE_GROUPS:
        return role is Role.SUPERVISOR and actor.organisation_id is not None and same_org
    if permission is Permission.PLAN_EXAM:
        if student is None or not same_org or not student.is_linked_to(actor.user_id):
            return False
        if role is Role.SUPERVISOR:
            return True
        return role is Role.EXAMINER and examiners_may_plan
    if permission is Permission.ANSWER_QUESTIONNAIRES:
        if role is not Role.STUDENT:
            return False
        return student is None or student.user_id == actor.user_id
    if permission is Permission.VIEW_QUESTIONNAIRE_RESPONSES:
        if role not in (Role.SUPERVISOR, Role.EXAMINER, Role.TRAINER):
            return False
        return student is None or (same_org and student.is_linked_to(actor.user_id))
    if permission is Permission.IMPERSONATE_STUDENT:
        if student is None or not same_org:
            return False
        return role in (Role.SUPERVISOR, Role.TRAINER) and student.is_linked_to(actor.user_id)
    # Everything else (staff, students, catalogue, FAQ edits, questionnaires) is admin-only.
    return False


def require(actor: Actor, permission: Permission, **context) -> None:
    """Raise when not allowed: NotFound for a student one may not see (existence must not leak),
    PermissionDenied for an action one may not take."""
    if is_allowed(actor, permission, **context):
        return
    student = context.get("student")
    if student is not None and not is_allowed(actor, Permission.VIEW_STUDENT, student=student):
        raise NotFound("Deze student bestaat niet of je hebt er geen toegang toe.")
    raise PermissionDenied()


@attrs.frozen
class StudentScope:
    """Which students a list may show, for the read models to turn into a WHERE clause.

    ``organisation_id`` None means every organisation; ``linked_user_id`` narrows to the
    students linked to that staff member; ``own_user_id`` to the student's own record.
    """

    organisation_id: int | None = None
    linked_user_id: int | None = None
    own_user_id: int | None = None
    nothing: bool = False


def student_scope(actor: Actor, *, mine: bool = False) -> StudentScope:
    """The students ``actor`` may see in "Portfolio's" (mine=False) or "Mijn Portfolio" (mine=True).

    Admins see everyone in both lists: no student is linked to an admin, and an admin's
    "Mijn Portfolio" (their landing page) would otherwise always be empty.
    """
    if actor.role is Role.ADMIN:
        return StudentScope()
    if actor.role is Role.STUDENT:
        return StudentScope(own_user_id=actor.user_id)
    if actor.organisation_id is None:
        return StudentScope(nothing=True)
    # Staff other than admins only ever see linked students (product.md section 2), so the two
    # lists are the same for them; "Portfolio's" is where they also reach the groups.
    return StudentScope(organisation_id=actor.organisation_id, linked_user_id=actor.user_id)
