"""Logging in, reset tokens and invitations, with fakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mijnportfolio.application import auth
from mijnportfolio.domain.errors import InvalidCredentials, TokenInvalid, WeakPassword
from mijnportfolio.domain.organisations import Role, User
from tests.unit.fakes import FakeClock, FakePasswordHasher, FakeUnitOfWorkFactory


@pytest.fixture
def uow():
    factory = FakeUnitOfWorkFactory()
    with factory() as u:
        u.users.add(User(email="eva@demo.nl", role=Role.EXAMINER, last_name="Examinator", organisation_id=1,
                         password_hash="fake$geheim-123"))
        u.users.add(User(email="oud@demo.nl", role=Role.TRAINER, last_name="Oud", organisation_id=1,
                         password_hash="fake$geheim-123", active=False))
        u.users.add(User(email="nieuw@demo.nl", role=Role.TRAINER, last_name="Nieuw", organisation_id=1))
        u.commit()
    return factory


def test_the_right_password_logs_in_and_records_the_moment(uow):
    clock = FakeClock()
    user = auth.authenticate(uow(), FakePasswordHasher(), clock, "Eva@Demo.nl", "geheim-123")
    assert (user.email, user.role) == ("eva@demo.nl", "examiner")
    assert uow.store.tables["users"][user.id].last_login_at == clock.now()


@pytest.mark.parametrize(
    "email, password",
    [("eva@demo.nl", "fout"), ("niemand@demo.nl", "geheim-123"), ("oud@demo.nl", "geheim-123"),
     ("nieuw@demo.nl", ""), ("", ""), ("geen adres", "x")],
)
def test_wrong_unknown_inactive_and_unset_all_fail_the_same_way(uow, email, password):
    with pytest.raises(InvalidCredentials) as caught:
        auth.authenticate(uow(), FakePasswordHasher(), FakeClock(), email, password)
    assert caught.value.message == "Onjuist e-mailadres of wachtwoord."


def test_an_unknown_account_is_still_verified_against_a_hash(uow):
    class CountingHasher(FakePasswordHasher):
        verified = 0

        def verify(self, password_hash, password):
            CountingHasher.verified += 1
            return super().verify(password_hash, password)

    with pytest.raises(InvalidCredentials):
        auth.authenticate(uow(), CountingHasher(), FakeClock(), "niemand@demo.nl", "x")
    assert CountingHasher.verified == 1  # same work as for a known account: no timing leak


def test_a_deactivated_user_has_no_session(uow):
    assert auth.load_session_user(uow(), 2) is None
    assert auth.load_session_user(uow(), 1).email == "eva@demo.nl"


def _reset_token(uow, clock, email="eva@demo.nl"):
    links = []
    auth.request_password_reset(uow(), clock, email, links.append)
    return links[0] if links else None


def test_a_reset_token_works_once(uow):
    clock = FakeClock()
    token = _reset_token(uow, clock)
    assert auth.token_is_usable(uow(), clock, token)
    auth.set_password_with_token(uow(), FakePasswordHasher(), clock, token, "nieuw-wachtwoord")
    assert uow.store.tables["users"][1].password_hash == "fake$nieuw-wachtwoord"
    assert not auth.token_is_usable(uow(), clock, token)
    with pytest.raises(TokenInvalid):
        auth.set_password_with_token(uow(), FakePasswordHasher(), clock, token, "nog-een-keer")


def test_a_reset_token_expires_after_one_hour(uow):
    clock = FakeClock()
    token = _reset_token(uow, clock)
    clock.advance(minutes=59, seconds=59)
    assert auth.token_is_usable(uow(), clock, token)
    clock.advance(seconds=1)
    assert not auth.token_is_usable(uow(), clock, token)
    with pytest.raises(TokenInvalid):
        auth.set_password_with_token(uow(), FakePasswordHasher(), clock, token, "nieuw-wachtwoord")


def test_only_the_hash_of_a_token_is_stored(uow):
    token = _reset_token(uow, FakeClock())
    [stored] = uow.store.tables["tokens"].values()
    assert stored.token_hash == auth.hash_token(token) and token not in stored.token_hash


def test_no_reset_mail_for_unknown_or_inactive_addresses(uow):
    assert _reset_token(uow, FakeClock(), "niemand@demo.nl") is None
    assert _reset_token(uow, FakeClock(), "oud@demo.nl") is None
    assert _reset_token(uow, FakeClock(), "geen adres") is None
    assert not uow.store.tables.get("outbox")


def test_a_new_password_must_be_long_enough(uow):
    clock = FakeClock()
    token = _reset_token(uow, clock)
    with pytest.raises(WeakPassword):
        auth.set_password_with_token(uow(), FakePasswordHasher(), clock, token, "kort")
    assert auth.token_is_usable(uow(), clock, token)  # a refused try does not use the link


@given(st.text(max_size=40))
def test_an_unknown_token_is_never_usable(token):
    assert not auth.token_is_usable(FakeUnitOfWorkFactory()(), FakeClock(), token)
