"""Every POST route survives empty and nonsense input from every staff role: a message or a
refusal, never a server error."""

from __future__ import annotations

import pytest

from tests.helpers import login

GARBAGE = {
    "": "",
    "x": "x" * 5000,
    "id": "-1",
    "weird": "=1+1\x00\ud800"[:5].encode("utf-8", "replace").decode("utf-8"),
}
FIELDS = [
    "name", "email", "password", "role", "organisation_id", "first_name", "last_name", "student_number",
    "programme_id", "supervisor_id", "trainer_id", "cohort", "group_id", "action", "student_ids", "category",
    "code", "level", "crebo", "question", "answer", "module_id", "number", "text", "work_process_id",
    "core_task_id", "max_attempts", "pass_mark", "justification_scores", "version", "select_all", "confirm",
]


def _post_urls(app) -> list[str]:
    from flask import url_for

    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("auth."):
            continue
        values = {name: "1" for name in rule.arguments}
        with app.test_request_context():
            try:
                urls.append(url_for(rule.endpoint, **values))
            except Exception:  # noqa: BLE001
                continue
    return sorted(set(urls))


@pytest.mark.parametrize("email", ["admin@demo.nl", "begeleider@demo.nl", "opleider@demo.nl", "student1@demo.nl"])
def test_no_form_gives_a_server_error_on_nonsense_input(demo, email):
    client = demo.test_client()
    assert login(client, email).status_code == 302
    token = _session_token(client)
    failures = []
    for url in _post_urls(demo):
        for label, value in GARBAGE.items():
            data = {field: value for field in FIELDS}
            data["csrf_token"] = token
            status = client.post(url, data=data).status_code
            if status >= 500:
                failures.append((url, label, status))
    assert failures == []


def _session_token(client) -> str:
    """A valid CSRF token for this client's session (pages without forms carry none)."""
    from flask_wtf.csrf import generate_csrf

    with client.application.test_request_context():
        from flask import session

        with client.session_transaction() as stored:
            session.update(stored)
            token = generate_csrf()
            stored.update(session)
    return token
