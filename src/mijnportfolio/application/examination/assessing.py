"""Assessing a planned part (manual 2.3, 2.4): the form, drafts that save as the examiner goes,
the review with the other examiner's scores, submitting, and attachments.

Only examiner 1 and examiner 2 of a part open or post its assessment (anyone else: 404), and only
from the part's start time on. The first valid submission of a part wins; the attempt's outcome
is recorded when its last part becomes final, and the student is told a result is available.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping

import attrs

from mijnportfolio.domain.catalogue import Exam, ExamPart
from mijnportfolio.domain.errors import ConcurrentModification, DomainError, InvalidValue, NotFound
from mijnportfolio.domain.examination.assessment import (
    MAX_FILE_BYTES,
    MAX_FILES,
    Assessment,
    AssessmentAlreadyFinal,
    AssessmentFile,
    AssessmentIncomplete,
    ConfirmationRequired,
    check_may_assess,
    check_may_submit,
    finalize,
)
from mijnportfolio.domain.examination.planning import Attempt, PartPlanning
from mijnportfolio.domain.examination.scoring import Outcome
from mijnportfolio.domain.mail import EmailMessage
from mijnportfolio.domain.permissions import Actor, Permission, require
from mijnportfolio.domain.scores import InvalidScore, Score

from ..mail import queue_mail
from ..ports.assessment import FileInspector
from ..ports.common import Clock, FileStore
from ..ports.unit_of_work import UnitOfWork, saved_id
from .access import StudentContext, exam_of_student, part_label, student_context
from .results import attempt_outcome, criterion_label

NOT_YOURS = "Deze beoordeling bestaat niet of je bent geen examinator van dit onderdeel."
OTHER_TAB = (
    "Deze beoordeling is intussen ergens anders opgeslagen (een ander venster of tabblad). Er is niets "
    "overschreven; laad de pagina opnieuw om de laatste versie te zien."
)
DIFFERENCE_TO_FLAG = 2


@attrs.frozen
class Loaded:
    attempt: Attempt
    planning: PartPlanning
    exam: Exam
    part: ExamPart
    context: StudentContext
    mine: Assessment | None
    other: Assessment | None
    final: Assessment | None


def _load(uow: UnitOfWork, actor: Actor, planning_id: int) -> Loaded:
    attempt = uow.attempts.by_planning(planning_id)
    planning = attempt.planning(planning_id) if attempt else None
    if attempt is None or planning is None or actor.user_id not in planning.examiner_ids():
        raise NotFound(NOT_YOURS)
    context = student_context(uow, actor, attempt.student_id)
    exam = exam_of_student(uow, context, attempt.exam_id)
    part = next((p for p in exam.parts if p.id == planning.part_id), None)
    if part is None:
        raise NotFound(NOT_YOURS)
    assessments = list(uow.assessments.for_planning(planning_id))
    mine = next((a for a in assessments if a.examiner_id == actor.user_id), None)
    other = next((a for a in assessments if a.examiner_id != actor.user_id), None)
    final = next((a for a in assessments if a.is_final), None)
    return Loaded(attempt, planning, exam, part, context, mine, other, final)


# --- what the pages show ---------------------------------------------------------------------


@attrs.frozen
class CriterionLine:
    id: int
    number: int
    text: str
    knock_out: bool
    descriptors: tuple[tuple[int, str], ...]
    score: int | None
    justification: str
    other_score: int | None
    other_justification: str

    @property
    def differs(self) -> bool:
        """Both examiners scored it and they are 2 or more apart (the review highlights it)."""
        return self.score is not None and self.other_score is not None and abs(self.score - self.other_score) >= DIFFERENCE_TO_FLAG


@attrs.frozen
class CriterionGroup:
    core_task: str
    core_task_title: str
    work_process: str
    work_process_title: str
    criteria: tuple[CriterionLine, ...]


@attrs.frozen
class PartTab:
    planning_id: int | None
    number: int
    label: str
    state: str
    current: bool
    mine: bool  # the user is an examiner of it


@attrs.frozen
class FileView:
    id: int
    filename: str
    description: str
    size: int
    uploaded_at: dt.datetime


@attrs.frozen
class AssessmentView:
    planning_id: int
    attempt_id: int
    attempt_number: int
    student_id: int
    student_name: str
    student_number: str
    exam_code: str
    exam_name: str
    part_number: int
    part_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str | None
    examiner1: str
    examiner2: str | None
    my_role: int
    may_submit: bool
    part_final: bool
    mine_is_final: bool
    final_by: str | None
    other_name: str | None
    version: int
    saved_at: dt.datetime | None
    groups: tuple[CriterionGroup, ...]
    parts: tuple[PartTab, ...]
    justification_scores: tuple[int, ...]
    files: tuple[FileView, ...]
    outcome: Outcome
    problems: tuple[tuple[str, str], ...]  # (field, message): what keeps it from being final
    differences: int

    @property
    def criteria(self) -> tuple[CriterionLine, ...]:
        return tuple(c for g in self.groups for c in g.criteria)


_DESCRIPTIONS = {
    "application/pdf": "PDF-document", "image/png": "Afbeelding (PNG)", "image/jpeg": "Afbeelding (JPEG)",
    "image/gif": "Afbeelding (GIF)", "image/webp": "Afbeelding (WebP)",
}


def _view(uow: UnitOfWork, loaded: Loaded, actor: Actor, now: dt.datetime) -> AssessmentView:
    attempt, planning, exam, part = loaded.attempt, loaded.planning, loaded.exam, loaded.part
    mine, other = loaded.mine, loaded.other
    names = {saved_id(u.id): u.full_name for u in uow.users.list_by_ids(planning.examiner_ids())}
    groups: list[CriterionGroup] = []
    number = 0
    for criterion in sorted(part.criteria, key=lambda c: c.position):
        number += 1
        wp = criterion.work_process
        ct = wp.core_task if wp else None
        entry = mine.score_of(saved_id(criterion.id)) if mine else None
        theirs = other.score_of(saved_id(criterion.id)) if other else None
        line = CriterionLine(
            id=saved_id(criterion.id), number=number, text=criterion.text, knock_out=bool(criterion.knock_out),
            descriptors=tuple(sorted(criterion.descriptors.by_number().items())),
            score=entry.score.value if entry and entry.score else None,
            justification=entry.justification if entry else "",
            other_score=theirs.score.value if theirs and theirs.score else None,
            other_justification=theirs.justification if theirs else "",
        )
        key = (ct.code if ct else "", wp.code if wp else "")
        if groups and (groups[-1].core_task, groups[-1].work_process) == key:
            last = groups[-1]
            groups[-1] = attrs.evolve(last, criteria=last.criteria + (line,))
        else:
            groups.append(CriterionGroup(
                core_task=key[0], core_task_title=(ct.title or "") if ct else "", work_process=key[1],
                work_process_title=(wp.title or "") if wp else "", criteria=(line,),
            ))
    tabs = []
    for exam_part in sorted(exam.parts, key=lambda p: p.number):
        tab_planning = attempt.planning_for(saved_id(exam_part.id))
        if tab_planning is None:
            state = "Nog niet ingepland"
        elif tab_planning.is_final:
            state = "Definitief"
        elif tab_planning.starts_at > now:
            state = "Nog niet begonnen"
        elif tab_planning.assessment_started_at is not None:
            state = "Beoordeling begonnen"
        else:
            state = "Te beoordelen"
        tabs.append(PartTab(
            planning_id=tab_planning.id if tab_planning else None, number=exam_part.number,
            label=part_label(exam_part.number, exam_part.title), state=state, current=exam_part.id == part.id,
            mine=bool(tab_planning and actor.user_id in tab_planning.examiner_ids()),
        ))
    draft = mine.scores_by_criterion() if mine else {}
    outcome = attempt_outcome(uow, exam, attempt, override={saved_id(planning.id): draft})
    problems = mine.problems(
        [(saved_id(c.id), criterion_label(i, c)) for i, c in enumerate(sorted(part.criteria, key=lambda c: c.position), start=1)],
        exam.justification_rule,
    ) if mine else []
    may_submit = True
    try:
        check_may_submit(planning, actor.user_id)
    except DomainError:
        may_submit = False
    lines = [c for g in groups for c in g.criteria]
    return AssessmentView(
        planning_id=saved_id(planning.id), attempt_id=saved_id(attempt.id), attempt_number=attempt.number,
        student_id=attempt.student_id, student_name=loaded.context.student.full_name,
        student_number=loaded.context.student.student_number, exam_code=exam.code, exam_name=exam.name,
        part_number=part.number, part_label=part_label(part.number, part.title), starts_at=planning.starts_at,
        ends_at=planning.ends_at, location=planning.location, examiner1=names.get(planning.examiner1_id, ""),
        examiner2=names.get(planning.examiner2_id) if planning.examiner2_id else None,
        my_role=1 if actor.user_id == planning.examiner1_id else 2, may_submit=may_submit,
        part_final=planning.is_final, mine_is_final=bool(mine and mine.is_final),
        final_by=names.get(loaded.final.examiner_id) if loaded.final else None,
        other_name=names.get(other.examiner_id) if other else None,
        version=mine.version if mine else 0, saved_at=mine.updated_at if mine else None,
        groups=tuple(groups), parts=tuple(tabs), justification_scores=exam.justification_rule.values,
        files=tuple(
            FileView(saved_id(f.id), f.filename, _DESCRIPTIONS.get(f.content_type, "Office-document"), f.size, f.uploaded_at)
            for f in (mine.files if mine else [])
        ),
        outcome=outcome, problems=tuple((p.field or "", p.message) for p in problems),
        differences=sum(1 for line in lines if line.differs),
    )


def assessment_form(uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int) -> AssessmentView:
    """The assessment form of one part, for its examiner; refused before the part's start time."""
    with uow:
        loaded = _load(uow, actor, planning_id)
        check_may_assess(loaded.planning, actor.user_id, clock.now())
        return _view(uow, loaded, actor, clock.now())


def view_assessment(uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int) -> AssessmentView:
    """The loepje: what has been scored so far (also before the start, then simply empty)."""
    with uow:
        return _view(uow, _load(uow, actor, planning_id), actor, clock.now())


# --- drafts ----------------------------------------------------------------------------------


@attrs.frozen
class Entry:
    """One criterion as the form sends it: the score as text ('' = none yet) and the justification."""

    score: str
    justification: str


@attrs.frozen
class SavedDraft:
    version: int
    saved_at: dt.datetime
    changed: int


def _parse_entries(part: ExamPart, entries: Mapping[int, Entry]) -> dict[int, tuple[Score | None, str]]:
    known = {saved_id(c.id): c for c in part.criteria}
    labels = {saved_id(c.id): criterion_label(i, c) for i, c in enumerate(sorted(part.criteria, key=lambda c: c.position), start=1)}
    parsed: dict[int, tuple[Score | None, str]] = {}
    errors: list[DomainError] = []
    for criterion_id, entry in entries.items():
        if criterion_id not in known:
            raise NotFound("Dit criterium hoort niet bij dit examenonderdeel.")
        raw = (entry.score or "").strip()
        try:
            score = Score.parse(raw, field=f"criterion-{criterion_id}") if raw else None
        except InvalidScore as exc:
            errors.append(InvalidScore(f"{labels[criterion_id]}: {exc.message}", field=f"criterion-{criterion_id}"))
            continue
        parsed[criterion_id] = (score, entry.justification or "")
    if errors:
        raise errors[0] if len(errors) == 1 else AssessmentIncomplete(errors)
    return parsed


def save_draft(
    uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int, entries: Mapping[int, Entry], *,
    expected_version: int | None,
) -> SavedDraft:
    """Save what the examiner has entered so far. ``expected_version`` is the version the page
    last saw (0 before the first save): a save from an older page is refused, never merged."""
    try:
        return _save_draft(uow, actor, clock, planning_id, entries, expected_version)
    except _StampConflict:
        pass  # the other examiner started at the same moment: our scores were not saved, so try once more
    try:
        return _save_draft(uow, actor, clock, planning_id, entries, expected_version)
    except _StampConflict:
        raise ConcurrentModification(OTHER_TAB) from None


class _StampConflict(Exception):
    """The planning's 'assessment started' stamp was set by the other examiner at the same moment."""


def _save_draft(
    uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int, entries: Mapping[int, Entry],
    expected_version: int | None,
) -> SavedDraft:
    with uow:
        loaded = _load(uow, actor, planning_id)
        now = clock.now()
        check_may_assess(loaded.planning, actor.user_id, now)
        if loaded.planning.is_final:
            raise AssessmentAlreadyFinal(
                "Dit onderdeel is al definitief beoordeeld; wijzigingen worden niet meer opgeslagen."
            )
        parsed = _parse_entries(loaded.part, entries)
        mine = loaded.mine
        if expected_version is not None and (mine.version if mine else 0) != expected_version:
            raise ConcurrentModification(OTHER_TAB)
        stamped = False
        if mine is None:
            mine = Assessment(planning_id=planning_id, examiner_id=actor.user_id, started_at=now, updated_at=now)
            uow.assessments.add(mine)
        changed = sum(1 for cid, (score, text) in parsed.items() if mine.record(cid, score, text, now))
        if changed and loaded.planning.assessment_started_at is None:
            loaded.planning.assessment_started_at = now
            stamped = True
        if not changed and mine.id is not None:
            return SavedDraft(version=mine.version, saved_at=mine.updated_at, changed=0)
        try:
            uow.commit()
        except ConcurrentModification:
            if stamped:
                raise _StampConflict() from None
            raise ConcurrentModification(OTHER_TAB) from None
        return SavedDraft(version=mine.version, saved_at=mine.updated_at, changed=changed)


# --- submitting ------------------------------------------------------------------------------


@attrs.frozen
class Submitted:
    attempt_id: int
    part_number: int
    attempt_complete: bool
    outcome: Outcome
    already: bool = False  # a repeated submit of the same, already final, assessment


SUBMIT_TRIES = 3


def submit_assessment(
    uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int, *, confirmed: bool,
    result_url: Callable[[int], str] | None = None,
) -> Submitted:
    """'Beoordeling insturen': make the examiner's assessment the part's final one.

    When another part of the same attempt is submitted at the same moment, nothing of this one
    was written; it is tried again (a few times) rather than asking the examiner to."""
    for _ in range(SUBMIT_TRIES):
        done = _submit_once(uow, actor, clock, planning_id, confirmed=confirmed, result_url=result_url)
        if done is not None:
            return done
        _refuse_if_final_meanwhile(uow, planning_id)
    raise ConcurrentModification(
        "Er werd op hetzelfde moment een ander onderdeel van dit examen ingestuurd. Je beoordeling is nog niet "
        "definitief: stuur hem nog een keer in."
    )


def _submit_once(
    uow: UnitOfWork, actor: Actor, clock: Clock, planning_id: int, *, confirmed: bool,
    result_url: Callable[[int], str] | None,
) -> Submitted | None:
    with uow:
        loaded = _load(uow, actor, planning_id)
        now = clock.now()
        check_may_assess(loaded.planning, actor.user_id, now)
        mine = loaded.mine
        if mine is not None and mine.is_final:
            # A double click or a retried POST: it is final already, nothing changes.
            return Submitted(saved_id(loaded.attempt.id), loaded.part.number, loaded.attempt.result_passed is not None,
                             attempt_outcome(uow, loaded.exam, loaded.attempt), already=True)
        if loaded.planning.is_final:
            who = ""
            if loaded.final is not None:
                user = uow.users.get(loaded.final.examiner_id)
                who = f" door {user.full_name}" if user else ""
            raise AssessmentAlreadyFinal(
                f"Dit onderdeel is al definitief beoordeeld{who}. Je eigen scores zijn bewaard, maar niet ingestuurd."
            )
        check_may_submit(loaded.planning, actor.user_id)
        if not confirmed:
            raise ConfirmationRequired(field="confirm")
        if mine is None:
            raise AssessmentIncomplete([InvalidValue("Er zijn nog geen scores ingevuld.", field="")])
        ordered = sorted(loaded.part.criteria, key=lambda c: c.position)
        problems = mine.problems([(saved_id(c.id), criterion_label(i, c)) for i, c in enumerate(ordered, start=1)],
                                 loaded.exam.justification_rule)
        if problems:
            raise AssessmentIncomplete(problems)
        finalize(loaded.planning, mine, actor.user_id, now)
        return _record_submission(uow, clock, loaded, mine, now, result_url)


def _record_submission(
    uow: UnitOfWork, clock: Clock, loaded: Loaded, mine: Assessment, now: dt.datetime,
    result_url: Callable[[int], str] | None,
) -> Submitted | None:
    """Write the submission: the outcome when this was the last part, and the student's e-mail.

    None when someone else's change got in first (the part's or the attempt's version moved)."""
    try:
        uow.flush()  # the part's version: a submission made meanwhile shows here
    except ConcurrentModification:
        return None
    planning_id = saved_id(loaded.planning.id)
    outcome = attempt_outcome(uow, loaded.exam, loaded.attempt, override={planning_id: mine.scores_by_criterion()})
    complete = loaded.attempt.is_complete(saved_id(p.id) for p in loaded.exam.parts)
    loaded.attempt.record_outcome(outcome.passed if complete else None, now)
    student = loaded.context.student
    queue_mail(uow, clock, EmailMessage(
        to=(student.email,),
        subject=f"Er is een resultaat beschikbaar: {loaded.exam.code}",
        body=(
            f"Beste {student.full_name},\n\n"
            f"Er is een beoordeling van je examen {loaded.exam.code} {loaded.exam.name} beschikbaar in MijnPortfolio"
            f" ({part_label(loaded.part.number, loaded.part.title).lower()}, poging {loaded.attempt.number}).\n"
            "Log in om je resultaat te bekijken"
            + (f":\n\n{result_url(saved_id(loaded.attempt.id))}\n" if result_url else ".\n")
        ),
    ))
    try:
        uow.commit()
    except ConcurrentModification:
        return None
    return Submitted(saved_id(loaded.attempt.id), loaded.part.number, complete, outcome)


def _refuse_if_final_meanwhile(uow: UnitOfWork, planning_id: int) -> None:
    """Someone else's change went first and nothing of ours was written: when it was this part's
    submission by the other examiner, say so."""
    with uow:
        attempt = uow.attempts.by_planning(planning_id)
        planning = attempt.planning(planning_id) if attempt else None
        if planning is not None and planning.is_final:
            raise AssessmentAlreadyFinal(
                "Iemand anders heeft dit onderdeel net tegelijk ingestuurd; die beoordeling is definitief. "
                "Je eigen scores zijn bewaard."
            )


# --- attachments -------------------------------------------------------------------------------


def attach_file(
    uow: UnitOfWork, actor: Actor, clock: Clock, files: FileStore, inspector: FileInspector,
    planning_id: int, filename: str, data: bytes,
) -> str:
    """Attach a file (PDF, image, Office document; at most 20 MB; judged by its content)."""
    if not data:
        raise InvalidValue("Kies een bestand om toe te voegen; dit bestand is leeg.", field="file")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidValue("Het bestand is te groot: een bijlage mag hoogstens 20 MB zijn.", field="file")
    check = inspector.inspect(data, filename)
    if check.content_type is None:
        raise InvalidValue(check.description, field="file")
    name = (filename or "bijlage").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "bijlage"
    with uow:
        loaded = _load(uow, actor, planning_id)
        now = clock.now()
        check_may_assess(loaded.planning, actor.user_id, now)
        mine = loaded.mine
        if mine is None:
            mine = Assessment(planning_id=planning_id, examiner_id=actor.user_id, started_at=now, updated_at=now)
            uow.assessments.add(mine)
        if mine.is_final:
            raise AssessmentAlreadyFinal("Deze beoordeling is definitief; er kunnen geen bestanden meer bij.")
        if len(mine.files) >= MAX_FILES:
            raise InvalidValue(f"Een beoordeling heeft hoogstens {MAX_FILES} bijlagen.", field="file")
        key = files.save(data, suffix="")
        try:
            mine.files.append(AssessmentFile(file_key=key, filename=name, content_type=check.content_type,
                                             size=len(data), uploaded_at=now, uploaded_by_id=actor.user_id))
            if loaded.planning.assessment_started_at is None:
                loaded.planning.assessment_started_at = now
            mine.updated_at = now
            uow.commit()
        except BaseException:
            files.delete(key)
            raise
        return name


@attrs.frozen
class Download:
    filename: str
    content_type: str
    data: bytes


def download_file(uow: UnitOfWork, actor: Actor, files: FileStore, file_id: int) -> Download:
    """An attachment, for those who may see the assessment: its examiners, and staff and the
    student who may see the student's results."""
    with uow:
        assessment = uow.assessments.by_file(file_id)
        found = next((f for f in assessment.files if f.id == file_id), None) if assessment else None
        attempt = uow.attempts.by_planning(assessment.planning_id) if assessment else None
        if assessment is None or found is None or attempt is None:
            raise NotFound("Deze bijlage bestaat niet.")
        planning = attempt.planning(assessment.planning_id)
        if planning is None or actor.user_id not in planning.examiner_ids():
            context = student_context(uow, actor, attempt.student_id)
            require(actor, Permission.VIEW_STUDENT, student=context.facts)
        try:
            data = files.read(found.file_key)
        except (OSError, KeyError, ValueError):
            raise NotFound("Deze bijlage is niet meer beschikbaar.") from None
        return Download(found.filename, found.content_type, data)

