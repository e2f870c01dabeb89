"""Assessing through the web: the dashboard's lists, scoring, justification, submitting, who may,
crafted input, attachments, results, corrections, reports and the PDF forms."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.application.examination import assessing
from mijnportfolio.application.examination.assessing import Entry
from mijnportfolio.domain.examination.assessment import AssessmentAlreadyFinal
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import NOW, build_test_app, csrf_token, login, pg_url
from tests.integration.test_examination_planning_routes import CELL, cells, ids, overview


def planning_of(app, number: str, part: int, attempt: int | None = None) -> int:
    known = ids(app)
    a, p, ep = orm.attempts.c, orm.part_plannings.c, orm.exam_parts.c
    query = (
        sa.select(p.id).select_from(orm.part_plannings.join(orm.attempts, a.id == p.attempt_id).join(orm.exam_parts, ep.id == p.part_id))
        .where(a.student_id == known["students"][number], ep.number == part).order_by(a.number.desc())
    )
    if attempt is not None:
        query = query.where(a.number == attempt)
    with app.extensions["container"].engine().connect() as conn:
        return conn.execute(query).scalars().first()


def criteria(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="score-(\d+)"', html)))


def fill(html: str, score: str = "4", **overrides: str) -> dict:
    data = {"csrf_token": csrf_token(html), "version": re.search(r'name="version" value="(\d+)"', html).group(1)}
    for cid in criteria(html):
        data[f"score-{cid}"] = score
        data[f"justification-{cid}"] = ""
    data.update(overrides)
    return data


@pytest.fixture
def examiner(logged_in):
    return logged_in("examinator@demo.nl")


def test_the_examiners_dashboard_lists_open_actions_and_planning_with_their_icons(examiner, demo):
    html = examiner.get("/examendashboard").get_data(as_text=True)
    open_part = html.split('id="open-actions"')[1].split('id="planning"')[0]
    upcoming = html.split('id="planning"')[1]
    assert 'data-student="100005"' in open_part and 'data-student="100007"' in open_part
    assert 'data-student="100004"' in upcoming and 'data-student="100006"' in upcoming
    for label in ("Bekijken", "Beoordelen", "Downloaden"):
        assert f'aria-label="{label}" title="{label}"' in open_part
    assert 'aria-label="Beoordelen"' not in upcoming


def test_assessing_before_the_start_time_is_refused(examiner, demo):
    planning = planning_of(demo, "100004", 1)
    response = examiner.get(f"/beoordelingen/{planning}", follow_redirects=True)
    assert "nog niet begonnen" in response.get_data(as_text=True)
    assert examiner.get(f"/beoordelingen/{planning}/bekijken").status_code == 200
    token = csrf_token(examiner.get("/agenda").get_data(as_text=True))
    response = examiner.post(f"/beoordelingen/{planning}/concept", json={"version": 0, "entries": {}},
                             headers={"X-CSRFToken": token})
    assert response.status_code == 422 and "nog niet begonnen" in response.get_json()["message"]


@pytest.mark.parametrize("raw", ["0", "6", "2.5", "vier"])
def test_a_crafted_score_is_refused_and_nothing_saved_is_lost(examiner, demo, raw):
    planning = planning_of(demo, "100007", 2)
    page = examiner.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    first = criteria(page)[0]
    assert examiner.post(f"/beoordelingen/{planning}", data=fill(page, "3")).status_code == 302
    page = examiner.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    response = examiner.post(f"/beoordelingen/{planning}", data=fill(page, "3", **{f"score-{first}": raw}))
    assert response.status_code == 422 and "score" in response.get_data(as_text=True).lower()
    with demo.extensions["container"].engine().connect() as conn:
        stored = conn.execute(
            sa.select(orm.assessment_scores.c.score).join(orm.assessments, orm.assessments.c.id == orm.assessment_scores.c.assessment_id)
            .where(orm.assessment_scores.c.criterion_id == int(first), orm.assessments.c.planning_id == planning)
        ).scalars().all()
    assert [s.value for s in stored] == [3]


def test_a_missing_justification_stops_the_submission_and_the_overview_turns_green(examiner, demo, logged_in):
    planning = planning_of(demo, "100007", 2)
    page = examiner.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    first = criteria(page)[0]
    data = fill(page, "4", **{f"score-{first}": "1", "next_step": "review"})
    assert examiner.post(f"/beoordelingen/{planning}", data=data).status_code == 302
    review = examiner.get(f"/beoordelingen/{planning}/controle").get_data(as_text=True)
    assert "bij score 1 is een onderbouwing verplicht" in review
    refused = examiner.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": csrf_token(review), "confirm": "1"})
    assert refused.status_code == 422
    page = examiner.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    examiner.post(f"/beoordelingen/{planning}", data=fill(page, "4", **{f"score-{first}": "1", f"justification-{first}": "Niet gedaan."}))
    review = examiner.get(f"/beoordelingen/{planning}/controle").get_data(as_text=True)
    not_confirmed = examiner.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": csrf_token(review)})
    assert not_confirmed.status_code == 422 and "Weet je zeker dat je deze beoordeling wilt insturen?" in not_confirmed.get_data(as_text=True)
    done = examiner.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": csrf_token(review), "confirm": "1"})
    assert done.status_code == 302 and "/resultaat" in done.headers["Location"]
    result = examiner.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-outcome="passed"' in result and "Behaald" in result
    supervisor = demo.test_client()
    login(supervisor, "begeleider@demo.nl")
    assert cells(overview(supervisor, demo))["100007"] == ("passed", 2)
    with demo.extensions["container"].engine().connect() as conn:
        mail = conn.execute(sa.select(orm.outbox.c.subject, orm.outbox.c.body).where(orm.outbox.c.recipients == "student7@demo.nl")).all()
    assert any("resultaat beschikbaar" in subject for subject, _ in mail)
    assert all(",".join(["7", "8"]) not in body and "Behaald" not in body for _, body in mail)
    again = examiner.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": csrf_token(review), "confirm": "1"})
    assert again.status_code == 302  # a double click is harmless


def test_the_second_examiner_scores_but_may_not_submit_without_the_option(logged_in, demo):
    second = logged_in("examinator2@demo.nl")
    planning = planning_of(demo, "100007", 2)
    page = second.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    assert second.post(f"/beoordelingen/{planning}", data=fill(page, "4")).status_code == 302
    review = second.get(f"/beoordelingen/{planning}/controle").get_data(as_text=True)
    assert "Beoordeling insturen" not in review and "Alleen de eerste examinator" in review
    token = csrf_token(second.get("/agenda").get_data(as_text=True))
    refused = second.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": token, "confirm": "1"})
    assert refused.status_code == 403 and "Alleen de eerste examinator" in refused.get_data(as_text=True)


def test_with_the_option_either_examiner_submits_and_the_first_wins(logged_in, demo, examiner):
    planning = planning_of(demo, "100005", 1)  # the demo lets examiner 2 submit here
    second = demo.test_client()
    login(second, "examinator2@demo.nl")
    for client in (examiner, second):
        page = client.get(f"/beoordelingen/{planning}").get_data(as_text=True)
        client.post(f"/beoordelingen/{planning}", data=fill(page, "4"))
    review = second.get(f"/beoordelingen/{planning}/controle").get_data(as_text=True)
    assert second.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": csrf_token(review), "confirm": "1"}).status_code == 302
    token = csrf_token(examiner.get("/agenda").get_data(as_text=True))
    late = examiner.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": token, "confirm": "1"})
    assert late.status_code == 422 and "al definitief beoordeeld door Erik Tweede" in late.get_data(as_text=True)


def test_someone_who_is_not_examiner_of_the_part_gets_404(logged_in, demo):
    planning = planning_of(demo, "100005", 1)
    supervisor = logged_in("begeleider@demo.nl")
    assert supervisor.get(f"/beoordelingen/{planning}").status_code == 404
    token = csrf_token(supervisor.get("/agenda").get_data(as_text=True))
    assert supervisor.post(f"/beoordelingen/{planning}", data={"csrf_token": token}).status_code == 404
    assert supervisor.post(f"/beoordelingen/{planning}/insturen", data={"csrf_token": token, "confirm": "1"}).status_code == 404
    assert supervisor.get(f"/beoordelingen/{planning}/formulier.pdf").status_code == 404


def test_an_attachment_that_lies_about_its_type_or_is_too_large_is_refused(examiner, demo):
    planning = planning_of(demo, "100005", 1)
    page = examiner.get(f"/beoordelingen/{planning}").get_data(as_text=True)
    token = csrf_token(page)

    def upload(data: bytes, name: str):
        return examiner.post(f"/beoordelingen/{planning}/bijlagen", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                             content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)

    assert "niet geaccepteerd" in upload(b"MZ\x90\x00\x03 program", "verslag.pdf")
    assert "hoogstens 20 MB" in upload(b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 10), "groot.pdf")
    page = upload(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "verslag.pdf")
    assert "Bestand verslag.pdf is toegevoegd" in page
    link = re.search(r'href="(/bijlagen/\d+)"', page).group(1)
    assert examiner.get(link).data.startswith(b"%PDF")
    stranger = demo.test_client()
    login(stranger, "begeleider2@demo.nl")
    assert stranger.get(link).status_code == 404


def test_the_blank_form_and_the_result_download_as_pdf(examiner, demo, logged_in):
    planning = planning_of(demo, "100005", 1)
    blank = examiner.get(f"/beoordelingen/{planning}/formulier.pdf")
    assert blank.status_code == 200 and blank.mimetype == "application/pdf" and blank.data.startswith(b"%PDF")
    admin = demo.test_client()
    login(admin, "admin@demo.nl")
    attempt = re.search(r'href="/pogingen/(\d+)"', overview(admin, demo).split('data-student="100001"')[1]).group(1)
    result = admin.get(f"/pogingen/{attempt}/resultaat.pdf")
    assert result.status_code == 200 and result.data.startswith(b"%PDF")


def test_an_admin_corrects_a_final_result_only_with_a_decision_and_it_is_audited(logged_in, demo):
    admin = logged_in("admin@demo.nl")
    attempt = re.search(r'href="/pogingen/(\d+)"', overview(admin, demo).split('data-student="100002"')[1]).group(1)
    result = admin.get(f"/pogingen/{attempt}/resultaat").get_data(as_text=True)
    assert 'data-outcome="failed"' in result
    correct_url = re.search(r'href="(/beoordelingen/definitief/\d+/corrigeren)"', result).group(1)
    form = admin.get(correct_url).get_data(as_text=True)
    scores = {f"score-{cid}": "4" for cid in re.findall(r'name="score-(\d+)"', form)}
    token = csrf_token(form)
    missing = admin.post(correct_url, data={"csrf_token": token, **scores})
    assert missing.status_code == 422 and "kenmerk" in missing.get_data(as_text=True)
    done = admin.post(correct_url, data={"csrf_token": token, **scores, "decision_date": "01-09-2026",
                                         "decision_reference": "EC-2026-014", "decision_reason": "Herbeoordeling na bezwaar."})
    assert done.status_code == 302
    audit = admin.get("/beheer/correcties").get_data(as_text=True)
    assert "EC-2026-014" in audit and "Herbeoordeling na bezwaar." in audit and "2 → 4" in audit
    csv_text = admin.get("/beheer/correcties.csv").data.decode("utf-8-sig")
    assert "EC-2026-014" in csv_text
    assert admin.get("/beheer/kalibratie").status_code == 200
    calibration = admin.get("/beheer/kalibratie.csv").data.decode("utf-8-sig")
    assert "Eva van Examinator" in calibration and "Erik Tweede" in calibration
    supervisor = demo.test_client()
    login(supervisor, "begeleider@demo.nl")
    assert supervisor.get(correct_url).status_code == 403
    assert supervisor.get("/beheer/correcties").status_code == 403


class _MeetingRepository:
    """The assessments repository, calling ``meet`` after each ``for_planning`` read."""

    def __init__(self, repository, meet):
        self.repository, self.meet = repository, meet

    def __getattr__(self, name):
        return getattr(self.repository, name)

    def for_planning(self, planning_id):
        found = self.repository.for_planning(planning_id)
        self.meet()
        return found


class _MeetingUnitOfWork:
    """A unit of work whose assessments meet after reading, so two submissions read before either writes."""

    def __init__(self, uow, meet):
        self.uow, self.meet = uow, meet

    def __getattr__(self, name):
        value = getattr(self.uow, name)
        return _MeetingRepository(value, self.meet) if name == "assessments" else value

    def __enter__(self):
        self.uow.__enter__()
        return self

    def __exit__(self, *exc):
        return self.uow.__exit__(*exc)


def _criteria_of_planning(conn, planning: int) -> list[int]:
    return conn.execute(
        sa.select(orm.criteria.c.id).join(orm.part_plannings, orm.part_plannings.c.part_id == orm.criteria.c.part_id)
        .where(orm.part_plannings.c.id == planning)
    ).scalars().all()


def _submit_at_once(c, clock, submissions, meet) -> list[object]:
    """Each (actor, planning) submitted in its own thread and transaction; ``meet(planning)`` runs
    after that submission has read its assessments. Returns outcomes and errors."""
    outcomes: list[object] = []

    def submit(actor, planning):
        uow = _MeetingUnitOfWork(c.uow(), lambda: meet(planning))
        try:
            outcomes.append(assessing.submit_assessment(uow, actor, clock, planning, confirmed=True))
        except Exception as exc:  # noqa: BLE001 - the tests check the errors
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=s) for s in submissions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.postgres
def test_two_examiners_submitting_at_the_same_moment_one_wins(tmp_path):
    """Two real concurrent transactions on PostgreSQL: the part's version lets exactly one through."""
    clock = FixedClock(NOW)
    app = build_test_app(tmp_path, pg_url(), clock=clock)
    c = app.extensions["container"]
    seed_demo(c.uow, clock, c.hasher(), production=False)
    planning = planning_of(app, "100005", 1)
    users = ids(app)["users"]
    with c.engine().connect() as conn:
        organisation = conn.scalar(sa.select(orm.organisations.c.id))
        criterion_ids = _criteria_of_planning(conn, planning)
    actors = [Actor(users[e], Role.EXAMINER, organisation) for e in ("examinator@demo.nl", "examinator2@demo.nl")]
    for a in actors:
        assessing.save_draft(c.uow(), a, clock, planning, {cid: Entry("4", "") for cid in criterion_ids}, expected_version=None)
    barrier = threading.Barrier(2)  # both examiners see 'not final' before either writes
    outcomes = _submit_at_once(c, clock, [(a, planning) for a in actors], lambda _planning: barrier.wait(timeout=10))
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(losers) == 1, outcomes
    assert isinstance(losers[0], AssessmentAlreadyFinal)
    with c.engine().connect() as conn:
        finals = conn.execute(sa.select(sa.func.count()).select_from(orm.assessments)
                              .where(orm.assessments.c.planning_id == planning, orm.assessments.c.submitted_at.is_not(None))).scalar()
    assert finals == 1
    c.engine().dispose()
    assert CELL and dt


@pytest.mark.postgres
def test_two_parts_of_one_attempt_submitted_at_the_same_moment_both_become_final(tmp_path):
    """The attempt's version moves under one of them; that one is tried again, not refused."""
    clock = FixedClock(NOW)
    app = build_test_app(tmp_path, pg_url(), clock=clock)
    c = app.extensions["container"]
    seed_demo(c.uow, clock, c.hasher(), production=False)
    clock.set(NOW + dt.timedelta(days=15))  # both parts of Demostudent 6 have started
    plannings = [planning_of(app, "100006", part) for part in (1, 2)]
    users = ids(app)["users"]
    with c.engine().connect() as conn:
        organisation = conn.scalar(sa.select(orm.organisations.c.id))
        examiner = conn.scalar(sa.select(orm.part_plannings.c.examiner1_id).where(orm.part_plannings.c.id == plannings[0]))
        criteria = {planning: _criteria_of_planning(conn, planning) for planning in plannings}
    assert examiner in users.values()
    actor = Actor(examiner, Role.EXAMINER, organisation)
    for planning in plannings:
        assessing.save_draft(c.uow(), actor, clock, planning, {cid: Entry("4", "") for cid in criteria[planning]},
                             expected_version=None)
    barrier = threading.Barrier(2)
    waited: set[int] = set()

    def meet_the_first_time(planning):
        """Both submissions read the attempt before either writes, the first time round."""
        if planning not in waited:
            waited.add(planning)
            barrier.wait(timeout=10)

    outcomes = _submit_at_once(c, clock, [(actor, p) for p in plannings], meet_the_first_time)
    assert len(outcomes) == 2 and not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(o.attempt_complete for o in outcomes) == [False, True]  # the outcome is recorded by the last one
    with c.engine().connect() as conn:
        finals = conn.execute(sa.select(sa.func.count()).select_from(orm.part_plannings)
                              .where(orm.part_plannings.c.id.in_(plannings), orm.part_plannings.c.finalized_at.is_not(None))).scalar()
        passed = conn.execute(sa.select(orm.attempts.c.result_passed).join(
            orm.part_plannings, orm.part_plannings.c.attempt_id == orm.attempts.c.id).where(orm.part_plannings.c.id == plannings[0])).scalar()
    assert finals == 2 and passed is not None
    c.engine().dispose()
