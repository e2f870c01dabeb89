"""Planning an exam, re-planning and cancelling a part, and starting a retake (manual 2.2, 2.5).

The planning screen sends every part of the exam: whether to plan it now, its dates and times as
the planner typed them (Dutch local time), location and examiners, and the two copy options of
the manual. Everything is checked first and reported at once; conflicts with other bookings are
shown as warnings the planner may accept; then the attempt, its plannings and the e-mails are
written in one unit of work.
"""

from __future__ import annotations

import uuid
from typing import Sequence

import attrs

from mijnportfolio.domain.catalogue import Exam, ExamPart
from mijnportfolio.domain.errors import ConflictingWrite, DomainError, NotFound
from mijnportfolio.domain.examination import local_time
from mijnportfolio.domain.examination.conflicts import (
    Conflict,
    Proposal,
    find_conflicts,
)
from mijnportfolio.domain.examination.planning import (
    Attempt,
    AttemptTakenMeanwhile,
    ExaminerFacts,
    ExaminerRequired,
    NothingToPlan,
    PartPlanning,
    PlanningNotValid,
    Schedule,
    check_schedule,
    clean_location,
    next_attempt_number,
)
from mijnportfolio.domain.examination.status import cell_status
from mijnportfolio.domain.permissions import Actor

from ..ports.common import Clock
from ..ports.examination import CalendarWriter, ExaminerOption, PlanningOptionsQuery
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import exam_of_student, part_label, require_planner, student_context
from .notices import Notice, queue_planning_notices

# --- what the planning screen sends ------------------------------------------------------------


@attrs.frozen
class PartRequest:
    """One part as the planner filled it in: start and end as dd-mm-jjjj uu:mm (Dutch time)."""

    part_id: int
    plan: bool = False
    start: str = ""
    end: str = ""
    location: str = ""
    examiner1_id: int | None = None
    examiner2_id: int | None = None
    examiner2_may_submit: bool = False
    copy_previous: bool = False  # 'Inplannen met informatie van hierboven'
    copy_previous_location: bool = False  # 'Gebruik de locatiegegevens van het examen hierboven'


@attrs.frozen
class PlanRequest:
    student_id: int
    exam_id: int
    parts: tuple[PartRequest, ...]
    retake: bool = False
    accept_conflicts: bool = False


@attrs.frozen
class PlanOutcome:
    """``saved`` False: nothing was stored because of ``conflicts`` the planner has not accepted."""

    saved: bool
    attempt_id: int | None
    attempt_number: int
    planned: tuple[int, ...] = ()  # part numbers planned or re-planned now
    unchanged: tuple[int, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    mails: int = 0


def _field(index: int, name: str) -> str:
    return f"parts-{index}-{name}"


def _effective(requests: Sequence[PartRequest]) -> list[PartRequest]:
    """Apply the copy options: a part takes (part of) the planning of the part above it."""
    result: list[PartRequest] = []
    for index, request in enumerate(requests):
        if index > 0 and request.plan:
            above = result[index - 1]
            if request.copy_previous:
                request = attrs.evolve(
                    request, start=above.start, end=above.end, location=above.location,
                    examiner1_id=above.examiner1_id, examiner2_id=above.examiner2_id,
                    examiner2_may_submit=above.examiner2_may_submit,
                )
            elif request.copy_previous_location:
                request = attrs.evolve(request, location=above.location)
        result.append(request)
    return result


def _schedule(index: int, label: str, request: PartRequest, errors: list[DomainError]) -> Schedule | None:
    start = end = None
    try:
        start = local_time.parse_moment(request.start, f"{label}, begindatum/begintijd", field=_field(index, "start"))
    except DomainError as exc:
        errors.append(exc)
    try:
        end = local_time.parse_moment(request.end, f"{label}, einddatum/eindtijd", field=_field(index, "end"))
    except DomainError as exc:
        errors.append(exc)
    if request.examiner1_id is None:
        errors.append(ExaminerRequired(f"{label}: kies een beoordelaar.", field=_field(index, "examiner1_id")))
    if start is None or end is None or request.examiner1_id is None:
        return None
    return Schedule(
        starts_at=start, ends_at=end, examiner1_id=request.examiner1_id, examiner2_id=request.examiner2_id,
        examiner2_may_submit=bool(request.examiner2_may_submit) and request.examiner2_id is not None,
        location=clean_location(request.location),
    )


def _parts(exam: Exam) -> list[ExamPart]:
    return sorted(exam.parts, key=lambda p: p.number)


def plan_exam(
    uow: UnitOfWork, actor: Actor, clock: Clock, calendar: CalendarWriter, request: PlanRequest
) -> PlanOutcome:
    """Plan (or re-plan) parts of the student's attempt, or of a retake; see the module docstring."""
    with uow:
        context = student_context(uow, actor, request.student_id)
        require_planner(actor, context)
        student = context.student
        exam = exam_of_student(uow, context, request.exam_id)
        parts = _parts(exam)
        part_ids = [saved_id(p.id) for p in parts]
        latest = uow.attempts.latest(saved_id(student.id), saved_id(exam.id))
        number = next_attempt_number(latest, part_ids, exam.max_attempts, retake=request.retake)
        attempt = latest if number is None else None
        attempt_number = number if number is not None else (latest.number if latest else 1)

        by_part = {r.part_id: r for r in request.parts}
        requests = _effective([by_part.get(pid, PartRequest(part_id=pid)) for pid in part_ids])
        errors: list[DomainError] = []
        schedules: dict[int, Schedule] = {}
        for index, (part, part_request) in enumerate(zip(parts, requests)):
            if not part_request.plan:
                continue
            label = part_label(part.number, part.title)
            schedule = _schedule(index, label, part_request, errors)
            existing = attempt.planning_for(saved_id(part.id)) if attempt else None
            if existing is not None:
                try:
                    if schedule is None or not existing.same_schedule(schedule):
                        existing.check_changeable(label)
                except DomainError as exc:
                    exc.field = _field(index, "plan")
                    errors.append(exc)
            if schedule is not None:
                schedules[saved_id(part.id)] = schedule
        examiner_ids = {i for s in schedules.values() for i in (s.examiner1_id, s.examiner2_id) if i is not None}
        users = {u.id: u for u in uow.users.list_by_ids(examiner_ids)}
        facts = {
            i: ExaminerFacts(id=i, name=u.full_name, role=u.role, organisation_id=u.organisation_id, active=u.active)
            for i, u in users.items() if i is not None
        }
        for index, part in enumerate(parts):
            schedule = schedules.get(saved_id(part.id))
            if schedule is not None:
                errors.extend(check_schedule(schedule, facts, student.organisation_id, field_prefix=_field(index, "")))
        if not any(r.plan for r in requests):
            errors.append(NothingToPlan(field="parts"))
        if errors:
            raise errors[0] if len(errors) == 1 else PlanningNotValid(errors)

        # Conflicts: warnings, unless the planner has seen and accepted them.
        proposals = [
            Proposal(
                part_number=part.number, starts_at=s.starts_at, ends_at=s.ends_at, location=s.location,
                examiner_ids=frozenset(i for i in (s.examiner1_id, s.examiner2_id) if i is not None),
                planning_id=(existing.id if attempt and (existing := attempt.planning_for(saved_id(part.id))) else None),
            )
            for part in parts if (s := schedules.get(saved_id(part.id))) is not None
        ]
        start = min(p.starts_at for p in proposals)
        end = max(max(p.ends_at, p.starts_at) for p in proposals)
        bookings = uow.attempts.bookings(
            start, end, examiner_ids=examiner_ids, student_id=saved_id(student.id),
            locations=[p.location for p in proposals if p.location],
        )
        names = {i: f.name for i, f in facts.items()}
        conflicts = find_conflicts(
            proposals, bookings, student_id=saved_id(student.id), attempt_id=attempt.id if attempt else None, names=names
        )
        if conflicts and not request.accept_conflicts:
            return PlanOutcome(saved=False, attempt_id=attempt.id if attempt else None, attempt_number=attempt_number,
                               conflicts=tuple(conflicts))

        now = clock.now()
        if attempt is None:
            attempt = Attempt(
                student_id=saved_id(student.id), exam_id=saved_id(exam.id), number=attempt_number,
                created_at=now, created_by_id=actor.user_id,
            )
            uow.attempts.add(attempt)
        notices: list[Notice] = []
        planned: list[int] = []
        unchanged: list[int] = []
        for part in parts:
            schedule = schedules.get(saved_id(part.id))
            if schedule is None:
                continue
            existing = attempt.planning_for(saved_id(part.id))
            if existing is not None and existing.same_schedule(schedule):
                unchanged.append(part.number)
                continue
            if existing is not None:
                before = frozenset(existing.examiner_ids())
                existing.apply(schedule, now=now, by=actor.user_id)
                notices.append(Notice(existing, part.number, part.title, previous_examiners=before))
            else:
                planning = PartPlanning(
                    part_id=saved_id(part.id), starts_at=schedule.starts_at, ends_at=schedule.ends_at,
                    examiner1_id=schedule.examiner1_id, examiner2_id=schedule.examiner2_id,
                    examiner2_may_submit=schedule.examiner2_may_submit, location=schedule.location,
                    calendar_uid=f"{uuid.uuid4()}@mijnportfolio", calendar_sequence=0,
                    planned_at=now, planned_by_id=actor.user_id,
                )
                attempt.plannings.append(planning)
                notices.append(Notice(planning, part.number, part.title))
            planned.append(part.number)
        attempt.touch(now)
        try:
            uow.flush()
        except ConflictingWrite:
            raise AttemptTakenMeanwhile() from None
        mails = queue_planning_notices(
            uow, clock, calendar, exam=exam, student=student, attempt_number=attempt.number, planned=notices
        ) if notices else 0
        try:
            uow.commit()
        except ConflictingWrite:
            raise AttemptTakenMeanwhile() from None
        return PlanOutcome(
            saved=True, attempt_id=attempt.id, attempt_number=attempt.number, planned=tuple(planned),
            unchanged=tuple(unchanged), conflicts=tuple(conflicts), mails=mails,
        )


def cancel_planning(uow: UnitOfWork, actor: Actor, clock: Clock, calendar: CalendarWriter, planning_id: int) -> tuple[int, int]:
    """Cancel a planned part whose assessment has not started; the examiners and the student get
    a cancellation. An attempt left without plannings goes too (nothing happened in it).
    Returns (student id, exam id)."""
    with uow:
        attempt = uow.attempts.by_planning(planning_id)
        if attempt is None:
            raise NotFound("Deze planning bestaat niet (meer).")
        context = student_context(uow, actor, attempt.student_id)
        require_planner(actor, context)
        exam = exam_of_student(uow, context, attempt.exam_id)
        planning = attempt.planning(planning_id)
        assert planning is not None
        part = next(p for p in exam.parts if p.id == planning.part_id)
        planning.check_changeable(part_label(part.number, part.title))
        notice = Notice(planning, part.number, part.title)
        attempt.plannings.remove(planning)
        attempt.touch(clock.now())
        if not attempt.plannings and attempt.result_passed is None:
            uow.attempts.delete(attempt)
        queue_planning_notices(
            uow, clock, calendar, exam=exam, student=context.student, attempt_number=attempt.number,
            planned=(), cancelled=(notice,),
        )
        uow.commit()
        return attempt.student_id, attempt.exam_id


# --- the planning screen's data ----------------------------------------------------------------


@attrs.frozen
class PartForm:
    """One part on the planning screen, with its current planning (as text to edit) if any."""

    part_id: int
    number: int
    title: str
    label: str
    planning_id: int | None
    start: str
    end: str
    location: str
    examiner1_id: int | None
    examiner2_id: int | None
    examiner2_may_submit: bool
    locked: str | None  # why this part cannot be (re-)planned, if so


@attrs.frozen
class PlanningForm:
    student_id: int
    student_name: str
    student_number: str
    exam_id: int
    exam_code: str
    exam_name: str
    instruction: str | None
    exam_location: str | None
    attempt_number: int
    retake: bool
    parts: tuple[PartForm, ...]
    examiners: tuple[ExaminerOption, ...]


def planning_form(
    uow: UnitOfWork, options: PlanningOptionsQuery, actor: Actor, clock: Clock, student_id: int, exam_id: int,
    *, retake: bool = False,
) -> PlanningForm:
    """What the planning screen shows; refuses (with the rule's message) when there is nothing
    to plan: a passed exam, a failed one without choosing a retake, too many attempts."""
    with uow:
        context = student_context(uow, actor, student_id)
        require_planner(actor, context)
        student = context.student
        exam = exam_of_student(uow, context, exam_id)
        parts = _parts(exam)
        part_ids = [saved_id(p.id) for p in parts]
        latest = uow.attempts.latest(saved_id(student.id), saved_id(exam.id))
        number = next_attempt_number(latest, part_ids, exam.max_attempts, retake=retake)
        attempt = latest if number is None else None
        forms = []
        for part in parts:
            planning = attempt.planning_for(saved_id(part.id)) if attempt else None
            label = part_label(part.number, part.title)
            locked = planning.why_not_changeable(label) if planning is not None else None
            forms.append(
                PartForm(
                    part_id=saved_id(part.id), number=part.number, title=part.title or "", label=label,
                    planning_id=planning.id if planning else None,
                    start=local_time.format_input(planning.starts_at) if planning else "",
                    end=local_time.format_input(planning.ends_at) if planning else "",
                    location=(planning.location or "") if planning else (exam.location or ""),
                    examiner1_id=planning.examiner1_id if planning else None,
                    examiner2_id=planning.examiner2_id if planning else None,
                    examiner2_may_submit=bool(planning.examiner2_may_submit) if planning else False,
                    locked=locked,
                )
            )
        examiners = tuple(options.examiners(student.organisation_id))
        return PlanningForm(
            student_id=saved_id(student.id), student_name=student.full_name, student_number=student.student_number,
            exam_id=saved_id(exam.id), exam_code=exam.code, exam_name=exam.name,
            instruction=exam.planning_instruction, exam_location=exam.location,
            attempt_number=number if number is not None else (latest.number if latest else 1),
            retake=retake, parts=tuple(forms), examiners=examiners,
        )


def latest_status(uow: UnitOfWork, actor: Actor, clock: Clock, student_id: int, exam_id: int):
    """The overview status of the student's latest attempt at the exam (for redirects and tests)."""
    with uow:
        context = student_context(uow, actor, student_id)
        exam = exam_of_student(uow, context, exam_id)
        latest = uow.attempts.latest(student_id, exam_id)
        facts = latest.facts(saved_id(p.id) for p in exam.parts) if latest else None
        return cell_status(facts, clock.now()), (latest.number if latest else 0)
