"""Planning e-mails through a real SMTP server, and two planners at once on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.calendar import IcalendarCalendarWriter
from mijnportfolio.adapters.clock import FixedClock
from mijnportfolio.adapters.mail import SmtpMailer
from mijnportfolio.application.demo import seed_demo
from mijnportfolio.application.examination import planning
from mijnportfolio.application.examination.planning import PartRequest, PlanRequest
from mijnportfolio.application.mail import send_outbox
from mijnportfolio.domain.examination.planning import AttemptTakenMeanwhile
from mijnportfolio.domain.organisations import Role
from mijnportfolio.domain.permissions import Actor
from tests.helpers import NOW, build_test_app, pg_url
from tests.integration.test_examination_planning_routes import ids, part_fields, post_plan
from tests.integration.test_mail_smtp_outbox import smtp_server  # noqa: F401  (the fixture)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_after_planning_each_person_gets_exactly_one_mail_with_an_ics_at_the_typed_local_time(demo, logged_in, smtp_server):  # noqa: F811
    supervisor = logged_in("begeleider@demo.nl")
    c = demo.extensions["container"]
    with c.engine().begin() as conn:
        conn.execute(sa.update(orm.outbox).values(sent_at=NOW))  # only this planning's mail counts
    # 30 March 2027 is the Tuesday after the clocks go forward: 09:30 Dutch time is 07:30 UTC.
    response = post_plan(supervisor, demo, "100003", {
        **part_fields(demo, 0, start="30-03-2027 09:30", end="30-03-2027 12:00"),
        **part_fields(demo, 1, copy_previous="1", start="", end=""),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    mailer = SmtpMailer(host="127.0.0.1", port=smtp_server.port, sender="MijnPortfolio <noreply@test.nl>")
    report = send_outbox(c.uow, mailer, c.clock())
    assert report.sent == 3 and report.failed == 0
    messages = smtp_server.inbox.messages()
    recipients = sorted(m["To"] for m in messages)
    assert recipients == ["examinator2@demo.nl", "examinator@demo.nl", "student3@demo.nl"]
    for message in messages:
        [attachment] = [part for part in message.iter_attachments()]
        assert attachment.get_content_type() == "text/calendar"
        calendar = Calendar.from_ical(attachment.get_content())
        assert str(calendar.get("method")) == "REQUEST"
        assert any(component.name == "VTIMEZONE" and str(component.get("tzid")) == "Europe/Amsterdam"
                   for component in calendar.walk())
        events = [e for e in calendar.walk("VEVENT")]
        assert len(events) == 2
        for event in events:
            start = event.decoded("dtstart")
            assert start.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M") == "30-03-2027 09:30"
            assert start.astimezone(dt.timezone.utc).hour == 7
        assert "30-03-2027 09:30" in message.get_body(("plain",)).get_content()


def test_a_replan_sends_the_same_uid_with_a_higher_sequence_and_a_cancel_sends_cancel(demo, logged_in):
    supervisor = logged_in("begeleider@demo.nl")
    c = demo.extensions["container"]
    post_plan(supervisor, demo, "100003", part_fields(demo, 0, start="22-09-2026 09:00", end="22-09-2026 10:00"))
    post_plan(supervisor, demo, "100003", part_fields(demo, 0, start="23-09-2026 09:00", end="23-09-2026 10:00"))
    mailer = c.mailer()
    send_outbox(c.uow, mailer, c.clock())
    to_student = [m for m in mailer.sent if m.to == ("student3@demo.nl",)]
    first, second = (Calendar.from_ical(m.attachments[0].data) for m in to_student[-2:])
    [e1], [e2] = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(e1["uid"]) == str(e2["uid"]) and int(e2["sequence"]) == int(e1["sequence"]) + 1


@pytest.mark.postgres
def test_two_planners_starting_the_same_retake_at_the_same_moment_create_one_attempt(tmp_path):
    """Two real concurrent transactions on PostgreSQL: the unique attempt number lets one win."""
    clock = FixedClock(NOW)
    app = build_test_app(tmp_path, pg_url(), clock=clock)
    c = app.extensions["container"]
    seed_demo(c.uow, clock, c.hasher(), production=False)
    known = ids(app)
    users = known["users"]
    supervisor = Actor(users["begeleider@demo.nl"], Role.SUPERVISOR, organisation_id=1)
    with c.engine().connect() as conn:
        supervisor = Actor(users["begeleider@demo.nl"], Role.SUPERVISOR,
                           organisation_id=conn.scalar(sa.select(orm.organisations.c.id)))
        part_ids = list(conn.execute(sa.select(orm.exam_parts.c.id).where(orm.exam_parts.c.exam_id == known["exam"])
                                     .order_by(orm.exam_parts.c.number)).scalars())
    request = PlanRequest(
        student_id=known["students"]["100002"], exam_id=known["exam"], retake=True, accept_conflicts=True,
        parts=(PartRequest(part_id=part_ids[0], plan=True, start="22-09-2026 09:00", end="22-09-2026 12:00",
                           examiner1_id=users["examinator@demo.nl"]),),
    )
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    class SlowFirstFlush:
        """A unit of work that waits for the other planner before it writes (both read 'attempt 1 failed')."""

        def __init__(self, uow):
            self.uow = uow

        def __getattr__(self, name):
            return getattr(self.uow, name)

        def __enter__(self):
            self.uow.__enter__()
            return self

        def __exit__(self, *exc):
            return self.uow.__exit__(*exc)

        def flush(self):
            barrier.wait(timeout=10)
            self.uow.flush()

    def plan():
        try:
            outcomes.append(planning.plan_exam(SlowFirstFlush(c.uow()), supervisor, clock, c.calendar(), request))
        except Exception as exc:  # noqa: BLE001 - the loser's error is what we check
            outcomes.append(exc)

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], AttemptTakenMeanwhile)
    with c.engine().connect() as conn:
        numbers = conn.execute(
            sa.select(orm.attempts.c.number).where(orm.attempts.c.student_id == known["students"]["100002"])
            .order_by(orm.attempts.c.number)
        ).scalars().all()
    assert numbers == [1, 2]
    c.engine().dispose()
    assert IcalendarCalendarWriter  # the real writer was used through the container
