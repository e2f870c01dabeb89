"""Students (product.md 4.1, manual 1.3): enter, edit, (de)activate, invite, and the portfolio page."""

from __future__ import annotations

from typing import Callable, Sequence

import attrs

from mijnportfolio.domain.errors import (
    AccountInactive,
    ConcurrentModification,
    DomainError,
    DuplicateEmail,
    DuplicateStudentNumber,
    InvalidValue,
    NotFound,
    PermissionDenied,
    SupervisorRequired,
    check,
)
from mijnportfolio.domain.organisations import Role, User
from mijnportfolio.domain.permissions import (
    Actor,
    Permission,
    StudentFacts,
    is_allowed,
    require,
)
from mijnportfolio.domain.students import (
    PHOTO_TYPES,
    Student,
    raise_collected,
    validate_cohort,
    validate_phone,
    validate_profile,
    validate_student_number,
)
from mijnportfolio.domain.values import normalise_email, optional_text, required_text

from .organisations import send_invitation
from .ports.common import Clock, FileStore
from .ports.students import StudentFormOptions, StudentFormOptionsQuery
from .ports.unit_of_work import UnitOfWork, saved_id

NOT_VISIBLE = "Deze student bestaat niet of je hebt er geen toegang toe."


@attrs.frozen
class StudentData:
    """What the 'Nieuwe student invoeren' and edit forms send (ids may be None: not chosen)."""

    organisation_id: int | None
    student_number: str
    first_name: str | None
    infix: str | None
    last_name: str
    email: str
    programme_id: int | None
    supervisor_id: int | None
    trainer_id: int | None = None
    cohort: str | None = None
    phone: str | None = None


@attrs.frozen
class _Clean:
    organisation_id: int
    student_number: str
    first_name: str | None
    infix: str | None
    last_name: str
    email: str
    programme_id: int
    supervisor_id: int
    trainer_id: int | None
    cohort: str | None
    phone: str | None


def _staff_member(uow: UnitOfWork, user_id: int, role: Role, organisation_id: int, keep_id: int | None) -> bool:
    """True when ``user_id`` is an active ``role`` of the organisation (an unchanged link may stay
    even when that staff member was deactivated since, so an edit of other fields still saves)."""
    user = uow.users.get(user_id)
    if user is None or user.role is not role or user.organisation_id != organisation_id:
        return False
    return user.active or user_id == keep_id


def _validated(uow: UnitOfWork, data: StudentData, existing: Student | None) -> _Clean:
    """Check every field and rule; raise all problems at once (by field), store nothing."""
    errors: list[DomainError] = []
    organisation_id = existing.organisation_id if existing is not None else data.organisation_id
    if organisation_id is None and data.supervisor_id is not None:
        # The organisation was left open: a student belongs to the organisation of their
        # supervisor (praktijkbegeleider), who belongs to exactly one.
        supervisor = uow.users.get(data.supervisor_id)
        if supervisor is not None and supervisor.role is Role.SUPERVISOR:
            organisation_id = supervisor.organisation_id
    if organisation_id is None or uow.organisations.get(organisation_id) is None:
        errors.append(InvalidValue("Kies de organisatie van de student.", field="organisation_id"))
        organisation_id = None
    number = check(errors, lambda: validate_student_number(data.student_number))
    first_name = check(errors, lambda: optional_text(data.first_name, max_length=100, label="Voornaam", field="first_name"))
    infix = check(errors, lambda: optional_text(data.infix, max_length=50, label="Tussenvoegsel", field="infix"))
    last_name = check(errors, lambda: required_text(data.last_name, "Achternaam", field="last_name", max_length=150))
    email = check(errors, lambda: normalise_email(data.email))
    cohort = check(errors, lambda: validate_cohort(data.cohort))
    phone = check(errors, lambda: validate_phone(data.phone))

    if data.programme_id is None:
        errors.append(InvalidValue("Kies een opleiding.", field="programme_id"))
    elif uow.programmes.get(data.programme_id) is None:
        errors.append(InvalidValue("Deze opleiding bestaat niet (meer). Kies een opleiding.", field="programme_id"))

    if data.supervisor_id is None:
        errors.append(SupervisorRequired(field="supervisor_id"))
    elif organisation_id is not None and not _staff_member(
        uow, data.supervisor_id, Role.SUPERVISOR, organisation_id, existing.supervisor_id if existing else None
    ):
        errors.append(
            InvalidValue(
                "Kies een actieve praktijkbegeleider van de organisatie van de student.", field="supervisor_id"
            )
        )
    if data.trainer_id is not None and organisation_id is not None and not _staff_member(
        uow, data.trainer_id, Role.TRAINER, organisation_id, existing.trainer_id if existing else None
    ):
        errors.append(
            InvalidValue("Kies een actieve praktijkopleider van de organisatie van de student.", field="trainer_id")
        )

    if isinstance(number, str) and organisation_id is not None:
        other = uow.students.get_by_number(organisation_id, number)
        if other is not None and other is not existing:
            errors.append(
                DuplicateStudentNumber(
                    f"Studentnummer {number} bestaat al binnen deze organisatie.", field="student_number"
                )
            )
    if isinstance(email, str):
        other_user = uow.users.get_by_email(email)
        if other_user is not None and (existing is None or other_user is not existing.user):
            errors.append(DuplicateEmail(f"Het e-mailadres {email} is al in gebruik.", field="email"))

    raise_collected(errors)
    # raise_collected refused every missing required value.
    assert organisation_id is not None and number is not None and last_name is not None and email is not None
    assert data.programme_id is not None and data.supervisor_id is not None
    return _Clean(
        organisation_id=organisation_id,
        student_number=number,
        first_name=first_name,
        infix=infix,
        last_name=last_name,
        email=email,
        programme_id=data.programme_id,
        supervisor_id=data.supervisor_id,
        trainer_id=data.trainer_id,
        cohort=cohort,
        phone=phone,
    )


def _apply(student: Student, clean: _Clean) -> None:
    user = student.user
    user.email = clean.email
    user.first_name = clean.first_name
    user.infix = clean.infix
    user.last_name = clean.last_name
    user.organisation_id = clean.organisation_id
    user.refresh_sort_name()
    student.student_number = clean.student_number
    student.programme_id = clean.programme_id
    student.supervisor_id = clean.supervisor_id
    student.trainer_id = clean.trainer_id
    student.cohort = clean.cohort
    student.phone = clean.phone


def create_student(
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    data: StudentData,
    *,
    invitation_url: Callable[[str], str] | None = None,
) -> int:
    """'Nieuwe student invoeren': the student and their (password-less) user in one unit of work,
    with the invitation e-mail queued in the same transaction."""
    require(actor, Permission.MANAGE_STUDENTS, organisation_id=data.organisation_id)
    with uow:
        clean = _validated(uow, data, None)
        user = User(email=clean.email, role=Role.STUDENT, last_name=clean.last_name, created_at=clock.now())
        student = Student(
            organisation_id=clean.organisation_id,
            student_number=clean.student_number,
            user=user,
            programme_id=clean.programme_id,
            supervisor_id=clean.supervisor_id,
        )
        _apply(student, clean)
        uow.users.add(user)
        uow.flush()
        uow.students.add(student)
        uow.flush()
        if invitation_url is not None:
            send_invitation(uow, clock, user, invitation_url)
        uow.commit()
        return student.id  # type: ignore[return-value]


def _managed_student(uow: UnitOfWork, actor: Actor, student_id: int) -> Student:
    student = uow.students.get(student_id)
    if student is None:
        raise NotFound(NOT_VISIBLE)
    require(actor, Permission.MANAGE_STUDENTS, organisation_id=student.organisation_id, student=student.facts())
    return student


def edit_version(student: Student) -> int:
    """The version an edit form carries. The form changes two rows (the student and their user)
    and each row's version only rises, so their sum changes whenever either was saved."""
    return student.version + student.user.version


def update_student(
    uow: UnitOfWork, actor: Actor, student_id: int, data: StudentData, *, expected_version: int | None = None
) -> None:
    """Edit a student. The organisation stays as it is (its numbers and staff belong to it).

    With ``expected_version`` (what the form was loaded with) an edit saved by someone else in
    the meantime is refused instead of overwritten."""
    require(actor, Permission.MANAGE_STUDENTS)
    with uow:
        student = _managed_student(uow, actor, student_id)
        if expected_version is not None and edit_version(student) != expected_version:
            raise ConcurrentModification()
        clean = _validated(uow, data, student)
        _apply(student, clean)
        uow.commit()


def set_student_active(uow: UnitOfWork, actor: Actor, student_id: int, active: bool) -> str:
    """(De)activate a student and their login together; returns the name for the message."""
    require(actor, Permission.MANAGE_STUDENTS)
    with uow:
        student = _managed_student(uow, actor, student_id)
        student.set_active(active)
        uow.commit()
        return student.full_name


def send_student_invitation(
    uow: UnitOfWork, actor: Actor, clock: Clock, student_id: int, invitation_url: Callable[[str], str]
) -> str:
    """Send the invitation e-mail again (e.g. the first one expired); returns the address."""
    require(actor, Permission.MANAGE_STUDENTS)
    with uow:
        student = _managed_student(uow, actor, student_id)
        if not student.active:
            raise AccountInactive("Deze student is gedeactiveerd. Activeer de student eerst.")
        send_invitation(uow, clock, student.user, invitation_url)
        uow.commit()
        return student.email


@attrs.frozen
class StudentForEdit(StudentData):
    """The current values of a student with the version to send back on save."""

    version: int = 0


def student_data_for_edit(uow: UnitOfWork, actor: Actor, student_id: int) -> StudentForEdit:
    """The current values, to fill the edit form."""
    require(actor, Permission.MANAGE_STUDENTS)
    with uow:
        s = _managed_student(uow, actor, student_id)
        return StudentForEdit(
            organisation_id=s.organisation_id,
            student_number=s.student_number,
            first_name=s.user.first_name,
            infix=s.user.infix,
            last_name=s.user.last_name,
            email=s.user.email,
            programme_id=s.programme_id,
            supervisor_id=s.supervisor_id,
            trainer_id=s.trainer_id,
            cohort=s.cohort,
            phone=s.phone,
            version=edit_version(s),
        )


@attrs.frozen
class StaffLink:
    role_label: str
    name: str
    email: str


@attrs.frozen
class StudentPortfolio:
    """The portfolio page (the loepje behind a name): NAW data, programme, linked staff, groups."""

    id: int
    organisation_id: int
    organisation_name: str
    student_number: str
    first_name: str | None
    infix: str | None
    last_name: str
    display_name: str
    email: str
    phone: str | None
    cohort: str | None
    introduction: str | None
    active: bool
    has_password: bool
    programme_name: str
    staff: tuple[StaffLink, ...]
    groups: tuple[tuple[str, str | None], ...]
    may_manage: bool
    may_impersonate: bool
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    has_photo: bool = False


def linked_facts(uow: UnitOfWork, student: Student) -> StudentFacts:
    """The policy's facts of a student, with the examiners of their planned parts linked too."""
    return student.facts(uow.attempts.examiner_ids_of_student(saved_id(student.id)))


def _portfolio(uow: UnitOfWork, actor: Actor, student: Student) -> StudentPortfolio:
    facts = linked_facts(uow, student)
    programme = uow.programmes.get(student.programme_id)
    organisation = uow.organisations.get(student.organisation_id)
    examiner_ids = sorted(facts.examiner_ids - student.linked_staff_ids())
    staff_users = {u.id: u for u in uow.users.list_by_ids(student.linked_staff_ids() | set(examiner_ids))}
    staff = []
    links = [(student.supervisor_id, "Praktijkbegeleider"), (student.trainer_id, "Praktijkopleider")]
    links += [(examiner_id, "Examinator") for examiner_id in examiner_ids]
    for user_id, label in links:
        user = staff_users.get(user_id) if user_id is not None else None
        if user is not None:
            staff.append(StaffLink(role_label=label, name=user.full_name, email=user.email))
    groups = sorted(((g.name, g.category) for g in student.groups), key=lambda g: (g[1] or "", g[0].casefold()))
    return StudentPortfolio(
        id=student.id,  # type: ignore[arg-type]
        organisation_id=student.organisation_id,
        organisation_name=organisation.name if organisation else "",
        student_number=student.student_number,
        first_name=student.user.first_name,
        infix=student.user.infix,
        last_name=student.user.last_name,
        display_name=student.full_name,
        email=student.email,
        phone=student.phone,
        cohort=student.cohort,
        introduction=student.introduction,
        active=student.active,
        has_password=bool(student.user.password_hash),
        programme_name=programme.name if programme else "",
        staff=tuple(staff),
        groups=tuple(groups),
        may_manage=is_allowed(actor, Permission.MANAGE_STUDENTS, organisation_id=student.organisation_id),
        may_impersonate=is_allowed(actor, Permission.IMPERSONATE_STUDENT, student=facts),
        street=student.street,
        postcode=student.postcode,
        city=student.city,
        has_photo=bool(student.photo_key),
    )


def get_student_portfolio(uow: UnitOfWork, actor: Actor, student_id: int) -> StudentPortfolio:
    """The portfolio of one student; NotFound (404) when the actor may not see this student."""
    with uow:
        student = uow.students.get(student_id)
        if student is None:
            raise NotFound(NOT_VISIBLE)
        require(actor, Permission.VIEW_STUDENT, student=linked_facts(uow, student))
        return _portfolio(uow, actor, student)


def get_own_portfolio(uow: UnitOfWork, actor: Actor) -> StudentPortfolio:
    """A student's own portfolio (their landing page)."""
    with uow:
        student = uow.students.get_by_user_id(actor.user_id)
        if student is None:
            raise NotFound("Er is geen portfolio aan je account gekoppeld.")
        require(actor, Permission.VIEW_STUDENT, student=linked_facts(uow, student))
        return _portfolio(uow, actor, student)


def student_form_options(
    query: StudentFormOptionsQuery, actor: Actor, keep_user_ids: Sequence[int | None] = ()
) -> StudentFormOptions:
    """``keep_user_ids``: staff currently linked (shown even when since deactivated)."""
    require(actor, Permission.MANAGE_STUDENTS)
    return query.form_options(tuple(i for i in keep_user_ids if i is not None))


# -- the student's own profile (the 'Student' tab of their portfolio, manual 3) -----------------

OWN_PROFILE_ONLY = "Alleen de student zelf kan dit profiel aanpassen."
NO_PHOTO = "Deze student heeft (nog) geen foto."


@attrs.frozen
class ProfileData:
    """What the 'Student' tab's form sends."""

    phone: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    introduction: str | None = None


@attrs.frozen
class ProfileView:
    """The profile as the 'Student' tab shows it, with the version the form sends back."""

    student_id: int
    phone: str | None
    street: str | None
    postcode: str | None
    city: str | None
    introduction: str | None
    has_photo: bool
    photo_key: str | None  # changes with every new photo: the URL's cache key
    version: int


def _own_student(uow: UnitOfWork, actor: Actor) -> Student:
    """The student whose login ``actor`` is; staff have no own profile to change here."""
    if actor.role is not Role.STUDENT:
        raise PermissionDenied(OWN_PROFILE_ONLY)
    student = uow.students.get_by_user_id(actor.user_id)
    if student is None:
        raise NotFound("Er is geen portfolio aan je account gekoppeld.")
    return student


def _visible_student(uow: UnitOfWork, actor: Actor, student_id: int) -> Student:
    student = uow.students.get(student_id)
    if student is None:
        raise NotFound(NOT_VISIBLE)
    require(actor, Permission.VIEW_STUDENT, student=linked_facts(uow, student))
    return student


def student_profile(uow: UnitOfWork, actor: Actor, student_id: int) -> ProfileView:
    """A student's profile, for whoever may see the student."""
    with uow:
        s = _visible_student(uow, actor, student_id)
        return ProfileView(
            student_id=saved_id(s.id), phone=s.phone, street=s.street, postcode=s.postcode, city=s.city,
            introduction=s.introduction, has_photo=bool(s.photo_key), photo_key=s.photo_key, version=s.version,
        )


def update_own_profile(
    uow: UnitOfWork,
    files: FileStore,
    actor: Actor,
    data: ProfileData,
    *,
    photo: bytes | None = None,
    remove_photo: bool = False,
    expected_version: int | None = None,
) -> None:
    """A student saves their profile: contact details, introduction and optionally a new photo
    (or none). Every field and the photo are checked first; anything wrong stores nothing, and
    a save someone else made meanwhile (an admin editing the phone) is refused, not overwritten."""
    with uow:
        student = _own_student(uow, actor)
        if expected_version is not None and student.version != expected_version:
            raise ConcurrentModification()
        profile = validate_profile(data.phone, data.street, data.postcode, data.city, data.introduction, photo)
        student.update_profile(profile)
        new_key: str | None = None
        replaced: str | None = None
        if photo and profile.photo_type:
            new_key = files.save(photo, suffix=PHOTO_TYPES[profile.photo_type])
            replaced = student.replace_photo(new_key, profile.photo_type)
        elif remove_photo:
            replaced = student.replace_photo(None, None)
        try:
            uow.commit()
        except Exception:
            if new_key is not None:
                files.delete(new_key)  # the new photo belongs to a save that did not happen
            raise
    if replaced:
        _forget(files, replaced)


def _forget(files: FileStore, key: str) -> None:
    # The database no longer names the file; one left behind by a failing disk is harmless.
    try:
        files.delete(key)
    except (OSError, ValueError):
        pass


@attrs.frozen
class Photo:
    data: bytes
    content_type: str


def student_photo(uow: UnitOfWork, files: FileStore, actor: Actor, student_id: int) -> Photo:
    """A student's photo, only for whoever may see the student (404 for anyone else)."""
    with uow:
        student = _visible_student(uow, actor, student_id)
        key, content_type = student.photo_key, student.photo_type
    if not key or content_type not in PHOTO_TYPES:
        raise NotFound(NO_PHOTO)
    try:
        return Photo(data=files.read(key), content_type=content_type)
    except (OSError, KeyError, ValueError):
        raise NotFound(NO_PHOTO) from None
