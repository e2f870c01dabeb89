"""Every GET route answers every role (and anonymous visitors) without a server error."""

from __future__ import annotations

import pytest

from tests.helpers import login

ROLES = [None, "admin@demo.nl", "begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl", "student1@demo.nl"]
ARGUMENT_VALUES = {"int": "1", "string": "1", "default": "1", "path": "1"}


def _get_urls(app):
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
            continue
        values = {}
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__.lower()
            values[name] = "1" if "integer" in converter or "int" in converter else "1"
        try:
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, **values))
        except Exception:  # noqa: BLE001 - a rule we cannot build is not a route a user reaches
            continue
    return sorted(set(urls))


@pytest.mark.parametrize("email", ROLES)
def test_no_get_route_gives_a_server_error_for_any_role(demo, email):
    client = demo.test_client()
    if email:
        response = login(client, email)
        assert response.status_code == 302, f"{email} could not log in"
    failures = []
    for url in _get_urls(demo):
        if url.startswith("/logout"):
            continue
        status = client.get(url).status_code
        if status >= 500:
            failures.append((url, status))
    assert failures == []


def test_an_id_beyond_what_the_database_stores_is_not_found_on_every_route(any_app):
    from mijnportfolio.application.demo import seed_demo

    c = any_app.extensions["container"]
    seed_demo(c.uow, c.clock(), c.hasher(), production=False)
    client = any_app.test_client()
    assert login(client, "admin@demo.nl").status_code == 302
    big = 2**31
    checked = []
    for rule in any_app.url_map.iter_rules():
        ints = [n for n in rule.arguments if "Integer" in type(rule._converters[n]).__name__]
        if "GET" not in rule.methods or not ints:
            continue
        with any_app.test_request_context():
            from flask import url_for

            others = {n: sorted(getattr(rule._converters[n], "items", ["1"]))[0] for n in rule.arguments if n not in ints}
            url = url_for(rule.endpoint, **{n: big for n in ints}, **others)
        checked.append(url)
        assert client.get(url).status_code == 404, url
    assert len(checked) > 20
