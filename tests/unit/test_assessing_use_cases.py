"""Assessing a planned part with in-memory fakes: drafts, review, submitting, who may, attachments."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.application.examination import assessing
from mijnportfolio.application.examination.assessing import Entry
from mijnportfolio.domain.errors import ConcurrentModification, InvalidValue, NotFound
from mijnportfolio.domain.examination.assessment import (
    AssessmentAlreadyFinal,
    AssessmentIncomplete,
    AssessmentNotStartedYet,
    ConfirmationRequired,
    SubmitNotPermitted,
)
from mijnportfolio.domain.scores import InvalidScore
from tests.unit.fakes import FakeFileInspector, FakeFileStore
from tests.unit.test_planning_use_cases import NOW, World

START = dt.datetime(2027, 3, 15, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 Dutch time, as World plans it


@pytest.fixture
def world() -> World:
    w = World()
    w.plan(w.request(w.part(0), w.part(1, examiner2_may_submit=False)))
    w.clock.moment = START + dt.timedelta(minutes=5)
    return w


def plannings(world: World):
    [attempt] = world.committed_attempts()
    return sorted(attempt.plannings, key=lambda p: p.part_id)


def criteria_of(world: World, index: int) -> list[int]:
    part = sorted(world.exam.parts, key=lambda p: p.number)[index]
    return [c.id for c in part.criteria]


def save(world: World, who: str, index: int, values: dict[int, tuple[str, str]], version: int | None = None):
    planning = plannings(world)[index]
    return assessing.save_draft(world.factory(), world.actor(who), world.clock, planning.id,
                                {cid: Entry(s, j) for cid, (s, j) in values.items()}, expected_version=version)


def submit(world: World, who: str, index: int, confirmed: bool = True):
    return assessing.submit_assessment(world.factory(), world.actor(who), world.clock, plannings(world)[index].id,
                                       confirmed=confirmed)


def test_assessing_before_the_start_time_is_refused(world):
    world.clock.moment = START - dt.timedelta(minutes=1)
    [cid] = criteria_of(world, 0)
    with pytest.raises(AssessmentNotStartedYet):
        assessing.assessment_form(world.factory(), world.actor("examiner"), world.clock, plannings(world)[0].id)
    with pytest.raises(AssessmentNotStartedYet):
        save(world, "examiner", 0, {cid: ("4", "")})
    assert not world.factory.store.tables.get("assessments")


@pytest.mark.parametrize("who", ["examiner3", "supervisor", "trainer"])
def test_someone_who_is_not_examiner_of_the_part_gets_404(world, who):
    with pytest.raises(NotFound):
        assessing.assessment_form(world.factory(), world.actor(who), world.clock, plannings(world)[0].id)


@pytest.mark.parametrize("raw", ["0", "6", "2.5", "tekst", "-1", "1e1"])
def test_a_crafted_score_is_refused_and_nothing_is_saved(world, raw):
    [cid] = criteria_of(world, 0)
    save(world, "examiner", 0, {cid: ("4", "")}, version=0)
    with pytest.raises(InvalidScore):
        save(world, "examiner", 0, {cid: (raw, "")})
    [assessment] = world.factory.store.tables["assessments"].values()
    assert assessment.score_of(cid).score.value == 4


def test_a_draft_is_saved_and_a_save_from_an_older_page_is_refused(world):
    [cid] = criteria_of(world, 0)
    first = save(world, "examiner", 0, {cid: ("3", "")}, version=0)
    assert first.changed == 1
    [assessment] = world.factory.store.tables["assessments"].values()
    assessment.version = 2  # what the database does on commit
    with pytest.raises(ConcurrentModification, match="ander venster"):
        save(world, "examiner", 0, {cid: ("5", "Later tabblad")}, version=1)
    assert assessment.score_of(cid).score.value == 3
    assert plannings(world)[0].assessment_started_at is not None  # the planning is now locked


def test_a_missing_justification_stops_the_submission_until_it_is_given(world):
    [cid] = criteria_of(world, 0)
    save(world, "examiner", 0, {cid: ("1", "")})
    with pytest.raises(ConfirmationRequired):
        submit(world, "examiner", 0, confirmed=False)
    with pytest.raises(AssessmentIncomplete) as info:
        submit(world, "examiner", 0)
    assert info.value.by_field == {f"justification-{cid}": "Criterium 1 (B1-K1-W1): bij score 1 is een onderbouwing verplicht."}
    save(world, "examiner", 0, {cid: ("1", "Niet uitgevoerd.")})
    done = submit(world, "examiner", 0)
    assert plannings(world)[0].is_final and not done.attempt_complete
    assert world.committed_attempts()[0].result_passed is None


def test_the_last_part_records_the_outcome_and_the_student_is_told_without_the_grade(world):
    [c1], [c2] = criteria_of(world, 0), criteria_of(world, 1)
    save(world, "examiner", 0, {c1: ("4", "")})
    submit(world, "examiner", 0)
    save(world, "examiner", 1, {c2: ("1", "Niet gedaan")})
    done = submit(world, "examiner", 1)
    assert done.attempt_complete and done.outcome.passed is False  # mean 2.5: grade 4.4
    attempt = world.committed_attempts()[0]
    assert attempt.result_passed is done.outcome.passed
    mails = [m for m in world.outbox() if "resultaat" in m.subject]
    assert len(mails) == 2 and all(m.recipients == "student1@roc.nl" for m in mails)
    assert all("4,4" not in m.body and "behaald" not in m.body.lower() for m in mails)


def test_the_second_examiner_scores_but_may_not_submit_without_the_option(world):
    [cid] = criteria_of(world, 1)
    save(world, "examiner2", 1, {cid: ("4", "")})
    with pytest.raises(SubmitNotPermitted):
        submit(world, "examiner2", 1)
    view = assessing.assessment_form(world.factory(), world.actor("examiner"), world.clock, plannings(world)[1].id)
    assert view.criteria[0].other_score == 4 and view.other_name == "Examiner2 Test"


def test_with_the_option_either_examiner_submits_and_the_first_wins(world):
    world.plan(world.request(world.part(0, examiner2_may_submit=True)))
    [cid] = criteria_of(world, 0)
    save(world, "examiner", 0, {cid: ("4", "")})
    save(world, "examiner2", 0, {cid: ("2", "Te weinig")})
    submit(world, "examiner2", 0)
    with pytest.raises(AssessmentAlreadyFinal, match="Examiner2 Test"):
        submit(world, "examiner", 0)
    again = submit(world, "examiner2", 0)  # a double click
    assert again.already
    with pytest.raises(AssessmentAlreadyFinal):
        save(world, "examiner", 0, {cid: ("5", "Uitstekend")})


def test_the_review_flags_differences_of_two_or_more(world):
    [cid] = criteria_of(world, 0)
    save(world, "examiner", 0, {cid: ("5", "Uitstekend")})
    save(world, "examiner2", 0, {cid: ("3", "")})
    view = assessing.view_assessment(world.factory(), world.actor("examiner"), world.clock, plannings(world)[0].id)
    assert view.criteria[0].differs and view.differences == 1
    assert view.outcome.complete is False  # part 2 has no score yet


def test_attachments_are_judged_by_their_content_and_size(world):
    files, inspector = FakeFileStore(), FakeFileInspector()
    planning_id = plannings(world)[0].id
    with pytest.raises(InvalidValue, match="niet geaccepteerd"):
        assessing.attach_file(world.factory(), world.actor("examiner"), world.clock, files, inspector, planning_id,
                              "verslag.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(InvalidValue, match="hoogstens 20 MB"):
        assessing.attach_file(world.factory(), world.actor("examiner"), world.clock, files, inspector, planning_id,
                              "groot.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    assert files.files == {}
    name = assessing.attach_file(world.factory(), world.actor("examiner"), world.clock, files, inspector, planning_id,
                                 "C:\\fakepath\\verslag.pdf", b"%PDF-1.4 ...")
    assert name == "verslag.pdf" and len(files.files) == 1
    [assessment] = world.factory.store.tables["assessments"].values()
    [attached] = assessment.files
    download = assessing.download_file(world.factory(), world.actor("examiner"), files, attached.id)
    assert download.data == b"%PDF-1.4 ..." and download.content_type == "application/pdf"
    with pytest.raises(NotFound):
        assessing.download_file(world.factory(), world.actor("supervisor2"), files, attached.id)


def _finished(world: World, second: str = "1") -> None:
    [c1], [c2] = criteria_of(world, 0), criteria_of(world, 1)
    save(world, "examiner", 0, {c1: ("4", "")})
    submit(world, "examiner", 0)
    save(world, "examiner", 1, {c2: (second, "Zwak")})
    submit(world, "examiner", 1)


def test_a_correction_needs_the_decision_and_recomputes_the_outcome_and_keeps_the_trail(world):
    from mijnportfolio.application.examination import corrections
    from mijnportfolio.domain.examination.assessment import CorrectionNotValid
    from mijnportfolio.domain.organisations import Role
    from mijnportfolio.domain.permissions import Actor

    _finished(world)
    assert world.committed_attempts()[0].result_passed is False
    [c2] = criteria_of(world, 1)
    final = next(a for a in world.factory.store.tables["assessments"].values() if a.planning_id == plannings(world)[1].id)
    admin = Actor(user_id=999, role=Role.ADMIN)
    with pytest.raises(CorrectionNotValid) as info:
        corrections.correct_assessment(world.factory(), admin, world.clock, final.id, {c2: ("4", "")},
                                       corrections.Decision(date="31-02-2027", reference="", reason=""))
    assert set(info.value.by_field) == {"decision_date", "decision_reference", "decision_reason"}
    done = corrections.correct_assessment(world.factory(), admin, world.clock, final.id, {c2: ("4", "")},
                                          corrections.Decision(date="01-03-2027", reference="EC-7", reason="Bezwaar toegekend."))
    assert done.outcome.passed is True and world.committed_attempts()[0].result_passed is True
    [record] = world.factory.store.tables["corrections"].values()
    assert record.before == {str(c2): [1, "Zwak"]} and record.after == {str(c2): [4, ""]}
    assert record.decision_reference == "EC-7" and record.corrected_by_id == 999
    assert any("gecorrigeerd" in m.subject for m in world.outbox())


def test_only_admins_correct_results(world):
    from mijnportfolio.application.examination import corrections
    from mijnportfolio.domain.errors import PermissionDenied

    _finished(world)
    final = next(iter(world.factory.store.tables["assessments"].values()))
    with pytest.raises(PermissionDenied):
        corrections.correction_form(world.factory(), world.actor("supervisor"), final.id)
