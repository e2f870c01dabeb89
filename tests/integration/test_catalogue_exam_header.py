"""The exam header form: two tabs cannot overwrite each other, and the upload's size message."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from mijnportfolio.adapters import orm
from tests.helpers import csrf_token


def _lm(app) -> tuple[int, int]:
    with app.extensions["container"].engine().connect() as conn:
        row = conn.execute(sa.select(orm.exams.c.id, orm.exams.c.programme_id).where(orm.exams.c.code == "LM")).one()
    return row.id, row.programme_id


def _form_values(page: str) -> dict[str, str]:
    import re

    values = {}
    for name in ("code", "name", "version", "pass_mark", "max_attempts"):
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', page
        )
        values[name] = match.group(1) if match else ""
    values["csrf_token"] = csrf_token(page)
    values["justification_scores"] = ["1", "2", "5"]
    return values


def test_the_later_of_two_tabs_editing_an_exam_is_refused_and_loses_nothing(logged_in):
    admin = logged_in("admin@demo.nl")
    app = admin.application
    exam_id, _ = _lm(app)
    url = f"/examens/{exam_id}/bewerken"
    first_tab = _form_values(admin.get(url).get_data(as_text=True))
    second_tab = _form_values(admin.get(url).get_data(as_text=True))
    assert first_tab["version"] and first_tab["version"] == second_tab["version"]

    saved = admin.post(url, data={**first_tab, "name": "Leidinggeven (nieuw)"})
    assert saved.status_code == 302
    refused = admin.post(url, data={**second_tab, "name": "Iets anders"})
    assert refused.status_code == 400
    assert "Iemand anders heeft dit tegelijk gewijzigd" in refused.get_data(as_text=True)
    with app.extensions["container"].engine().connect() as conn:
        name = conn.scalar(sa.select(orm.exams.c.name).where(orm.exams.c.id == exam_id))
    assert name == "Leidinggeven (nieuw)"


def test_a_too_large_exam_file_names_the_real_limit_and_no_partial_size(logged_in):
    admin = logged_in("admin@demo.nl")
    _, programme_id = _lm(admin.application)
    url = f"/opleidingen/{programme_id}/examens/uploaden"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    five_mb = b"# " + b"x" * (5 * 1024 * 1024)
    response = admin.post(
        url, data={"csrf_token": token, "file": (io.BytesIO(five_mb), "groot.yaml")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "hoogstens 1 MB" in page
    assert not re.search(r"\d kB", page)  # no partial size (a bare "kB" may occur in a random token)


def test_an_exam_with_attempts_is_neither_deleted_nor_replaced(logged_in):
    from mijnportfolio.adapters.exam_definition import dump_exam_definition
    from mijnportfolio.application.catalogue.exams import export_exam_definition
    from mijnportfolio.domain.organisations import Role
    from mijnportfolio.domain.permissions import Actor

    admin = logged_in("admin@demo.nl")
    app = admin.application
    exam_id, programme_id = _lm(app)
    page = admin.get(f"/examens/{exam_id}").get_data(as_text=True)
    response = admin.post(f"/examens/{exam_id}/verwijderen", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "kun je niet meer het examen verwijderen" in response.get_data(as_text=True)
    definition = export_exam_definition(app.extensions["container"].uow(), Actor(1, Role.ADMIN), exam_id)
    url = f"/opleidingen/{programme_id}/examens/uploaden"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    response = admin.post(url, data={"csrf_token": token, "replace": "y",
                                     "file": (io.BytesIO(dump_exam_definition(definition, "yaml")), "lm.yaml")},
                          content_type="multipart/form-data")
    assert response.status_code == 400 and "kun je niet meer de structuur vervangen" in response.get_data(as_text=True)
    with app.extensions["container"].engine().connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(orm.exams).where(orm.exams.c.id == exam_id)) == 1
