"""Repositories and the unit of work on SQLite and on PostgreSQL (each test runs on both)."""

from __future__ import annotations

import datetime as dt

import pytest

from mijnportfolio.adapters.queries_users import SqlAlchemyStaffUserQueries
from mijnportfolio.application.ports.organisations import UserListFilter
from mijnportfolio.domain.errors import ConflictingWrite, ConcurrentModification
from mijnportfolio.domain.mail import OutboxMessage
from mijnportfolio.domain.organisations import Organisation, Role, User
from mijnportfolio.domain.tokens import TokenPurpose, UserToken
from tests.helpers import NOW


def _org_names(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return [o.name for o in uow.organisations.list()]


def _add_org(uow_factory, name: str = "Demo ROC", **kw) -> int:
    with uow_factory() as uow:
        organisation = Organisation(name=name, **kw)
        uow.organisations.add(organisation)
        uow.commit()
        return organisation.id


def test_commit_persists(uow_factory):
    org_id = _add_org(uow_factory, examiners_may_plan=True)
    with uow_factory() as uow:
        found = uow.organisations.get(org_id)
        assert (found.name, found.examiners_may_plan, found.version) == ("Demo ROC", True, 1)


def test_leaving_the_block_without_commit_rolls_back(uow_factory):
    with uow_factory() as uow:
        uow.organisations.add(Organisation(name="Nooit bewaard"))
        uow.flush()  # even flushed rows go
    assert _org_names(uow_factory) == []


def test_an_explicit_rollback_undoes_changes(uow_factory):
    org_id = _add_org(uow_factory)
    with uow_factory() as uow:
        uow.organisations.get(org_id).name = "Gewijzigd"
        uow.rollback()
        uow.commit()
    assert _org_names(uow_factory) == ["Demo ROC"]


def test_a_failure_halfway_leaves_nothing(uow_factory):
    with pytest.raises(RuntimeError):
        with uow_factory() as uow:
            organisation = Organisation(name="Half")
            uow.organisations.add(organisation)
            uow.flush()
            uow.users.add(User(email="half@demo.nl", role=Role.SUPERVISOR, last_name="Half", organisation_id=organisation.id))
            uow.flush()
            raise RuntimeError("boom halfway")
    assert _org_names(uow_factory) == []
    with uow_factory() as uow:
        assert uow.users.get_by_email("half@demo.nl") is None


def test_a_database_constraint_failure_at_commit_leaves_nothing(uow_factory):
    _add_org(uow_factory)
    with pytest.raises(ConflictingWrite):
        with uow_factory() as uow:
            uow.users.add(User(email="x@demo.nl", role=Role.ADMIN, last_name="X"))
            uow.organisations.add(Organisation(name="Demo ROC"))  # unique name
            uow.commit()
    with uow_factory() as uow:
        assert uow.users.get_by_email("x@demo.nl") is None
    assert _org_names(uow_factory) == ["Demo ROC"]


def test_a_stale_concurrent_edit_raises_concurrent_modification(uow_factory):
    org_id = _add_org(uow_factory)
    first = uow_factory()
    second = uow_factory()
    with first:
        mine = first.organisations.get(org_id)
        with second:
            theirs = second.organisations.get(org_id)
            theirs.name = "Eerst opgeslagen"
            second.commit()
        mine.name = "Te laat"
        with pytest.raises(ConcurrentModification):
            first.commit()
    with uow_factory() as uow:
        found = uow.organisations.get(org_id)
        assert (found.name, found.version) == ("Eerst opgeslagen", 2)


def test_every_commit_raises_the_version(uow_factory):
    org_id = _add_org(uow_factory)
    for name in ("Twee", "Drie"):
        with uow_factory() as uow:
            uow.organisations.get(org_id).name = name
            uow.commit()
    with uow_factory() as uow:
        assert uow.organisations.get(org_id).version == 3


def test_users_are_found_by_normalised_email_and_organisations_by_name_ignoring_case(uow_factory):
    org_id = _add_org(uow_factory)
    with uow_factory() as uow:
        uow.users.add(
            User(email="eva@demo.nl", role=Role.EXAMINER, first_name="Eva", infix="van", last_name="Examinator",
                 organisation_id=org_id, created_at=NOW)
        )
        uow.commit()
    with uow_factory() as uow:
        user = uow.users.get_by_email("  eva@demo.nl ")
        assert user.full_name == "Eva van Examinator"
        assert user.role is Role.EXAMINER
        assert user.created_at == NOW  # aware UTC back from both databases
        assert uow.organisations.get_by_name(" demo roc ").id == org_id
        assert [u.email for u in uow.users.list_by_ids([user.id, user.id, 999])] == ["eva@demo.nl"]


def test_tokens_are_found_by_their_hash(uow_factory):
    with uow_factory() as uow:
        user = User(email="a@demo.nl", role=Role.ADMIN, last_name="A")
        uow.users.add(user)
        uow.flush()
        uow.tokens.add(
            UserToken(user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, token_hash="h" * 64,
                      created_at=NOW, expires_at=NOW + dt.timedelta(hours=1))
        )
        uow.commit()
    with uow_factory() as uow:
        token = uow.tokens.get_by_hash("h" * 64)
        assert token.purpose is TokenPurpose.PASSWORD_RESET
        assert token.expires_at == NOW + dt.timedelta(hours=1)
        assert uow.tokens.get_by_hash("x" * 64) is None


def test_the_outbox_gives_due_messages_in_order(uow_factory):
    with uow_factory() as uow:
        for i, next_attempt in enumerate([None, NOW - dt.timedelta(minutes=1), NOW + dt.timedelta(minutes=1)]):
            uow.outbox.add(
                OutboxMessage(recipients=f"u{i}@demo.nl", subject=f"S{i}", body="b", created_at=NOW,
                              next_attempt_at=next_attempt, attachments=[{"filename": "a.ics", "content_type": "text/calendar", "data": ""}])
            )
        sent = OutboxMessage(recipients="done@demo.nl", subject="done", body="b", created_at=NOW)
        sent.record_sent(NOW)
        uow.outbox.add(sent)
        uow.commit()
    with uow_factory() as uow:
        due = uow.outbox.due(NOW, 10)
        assert [m.subject for m in due] == ["S0", "S1"]
        assert due[0].attachments[0]["filename"] == "a.ics"
        assert [m.subject for m in uow.outbox.due(NOW, 1)] == ["S0"]
        assert uow.outbox.pending_count() == 3


# --- The staff list read model, on both databases ---


@pytest.fixture
def staff(uow_factory):
    with uow_factory() as uow:
        roc = Organisation(name="Demo ROC")
        alfa = Organisation(name="Alfa College")
        uow.organisations.add(roc)
        uow.organisations.add(alfa)
        uow.flush()
        people = [
            ("admin@demo.nl", Role.ADMIN, "Anna", None, "Beheer", None, True),
            ("bas@demo.nl", Role.SUPERVISOR, "Bas", "de", "Begeleider", roc.id, True),
            ("eva@demo.nl", Role.EXAMINER, "Éva", "van", "Examinator", roc.id, True),
            ("olga@alfa.nl", Role.TRAINER, "Olga", None, "Opleider", alfa.id, False),
            ("zoe_x@alfa.nl", Role.EXAMINER, "Zoë", None, "Zwart", alfa.id, True),
            ("student@demo.nl", Role.STUDENT, "Stan", None, "Student", roc.id, True),
        ]
        for email, role, first, infix, last, org, active in people:
            uow.users.add(User(email=email, role=role, first_name=first, infix=infix, last_name=last,
                               organisation_id=org, active=active, password_hash="x"))
        uow.commit()
        return {"roc": roc.id, "alfa": alfa.id}


def _list(engine, **kw):
    page = SqlAlchemyStaffUserQueries(engine).staff_users(UserListFilter(**kw))
    return [r.email for r in page.rows], page


def test_the_staff_list_leaves_out_students_and_sorts_by_last_name(engine, staff):
    emails, page = _list(engine)
    assert emails == ["bas@demo.nl", "admin@demo.nl", "eva@demo.nl", "olga@alfa.nl", "zoe_x@alfa.nl"]
    assert page.total == 5
    eva = page.rows[2]
    assert (eva.full_name, eva.role_label, eva.organisation_name) == ("Éva van Examinator", "Examinator", "Demo ROC")


def test_the_staff_list_filters_and_searches(engine, staff):
    assert _list(engine, role="examiner")[0] == ["eva@demo.nl", "zoe_x@alfa.nl"]
    assert _list(engine, organisation_id=staff["alfa"])[0] == ["olga@alfa.nl", "zoe_x@alfa.nl"]
    assert _list(engine, active=False)[0] == ["olga@alfa.nl"]
    assert _list(engine, search="EVA")[0] == ["eva@demo.nl"]
    assert _list(engine, search="zoe zwart")[0] == ["zoe_x@alfa.nl"]
    assert _list(engine, search="alfa.nl")[0] == ["olga@alfa.nl", "zoe_x@alfa.nl"]
    assert _list(engine, search="_")[0] == ["zoe_x@alfa.nl"]  # LIKE wildcards are literal
    assert _list(engine, search="%")[0] == []


def test_the_staff_list_sorts_and_pages(engine, staff):
    assert _list(engine, sort="-email")[0] == ["zoe_x@alfa.nl", "olga@alfa.nl", "eva@demo.nl", "bas@demo.nl", "admin@demo.nl"]
    assert _list(engine, sort="organisation")[0][:1] == ["admin@demo.nl"]  # no organisation first
    emails, page = _list(engine, per_page=2, page=3)
    assert emails == ["zoe_x@alfa.nl"]
    assert (page.total, page.pages, page.page) == (5, 3, 3)
    emails, page = _list(engine, per_page=2, page=99)  # beyond the end: the last page
    assert page.page == 3 and emails == ["zoe_x@alfa.nl"]


def test_the_organisation_list_counts_staff(engine, staff):
    page = SqlAlchemyStaffUserQueries(engine).organisations("-users", 1, 50)
    assert [(r.name, r.user_count) for r in page.rows] == [("Alfa College", 2), ("Demo ROC", 2)]
