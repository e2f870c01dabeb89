"""The import wizard through the Flask test client: upload, mapping, ambiguities, preview,
'Importeer studenten', reloads, second tab, refusals and clean-up."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from tests.helpers import csrf_token, login
from tests.integration.imports_support import (
    AMBIGUOUS_ROW, GOOD_ROWS, REFUSED_ROW, ensure_import_data, semicolon_csv,
)


@pytest.fixture
def admin(client, demo):
    ids = ensure_import_data(demo.extensions["container"].uow)
    assert login(client, "admin@demo.nl").status_code == 302
    client.ids = ids
    return client


def upload(client, data: bytes, filename: str, organisation_id):
    page = client.get("/importeren/")
    assert page.status_code == 200
    return client.post(
        "/importeren/",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "organisation_id": str(organisation_id),
              "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def post_step(client, url: str, data: dict | None = None):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **(data or {})})


def choose_every_group(client, resolve_url: str, choice: str) -> dict[str, str]:
    """The same choice for every unknown group on the 'keuzes' page."""
    page = client.get(resolve_url).get_data(as_text=True)
    return {key: choice for key in re.findall(r'<select[^>]*id="(group-[0-9a-f]+)"', page)}


def count(app, table) -> int:
    with app.extensions["container"].engine().connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table))


def test_the_whole_wizard_imports_the_good_rows_and_reports_the_rest(admin, demo):
    students_before = count(demo, orm.students)
    memberships_before = count(demo, orm.student_groups)
    response = upload(admin, semicolon_csv(*GOOD_ROWS, AMBIGUOUS_ROW, REFUSED_ROW), "export.csv", admin.ids["organisation"])
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    assert mapping_url.endswith("/kolommen")

    page = admin.get(mapping_url).get_data(as_text=True)
    for label in ("Studentnummer", "Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Opleiding",
                  "Praktijkbegeleider", "Praktijkopleider", "Deelnemergroepen", "Cohort"):
        assert f">{label}</label>" in page
    # Pre-filled from the headers: Roepnaam -> first name, Voorvoegsel -> infix, Klas -> groups.
    assert re.search(r'id="map-first_name".*?<option value="1" selected>Roepnaam', page, re.S)
    assert re.search(r'id="map-infix".*?<option value="2" selected>Voorvoegsel', page, re.S)
    assert re.search(r'id="map-groups".*?<option value="8" selected>Klas', page, re.S)

    form = {f"map-{k}": str(i) for i, k in enumerate(
        ["student_number", "first_name", "infix", "last_name", "email", "programme", "supervisor", "trainer", "groups", "cohort"])}
    response = post_step(admin, mapping_url, form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/keuzes")
    resolve_url = response.headers["Location"]

    page = admin.get(resolve_url).get_data(as_text=True)
    assert "Jan Smit" in page and "Nieuwe groep" in page
    key = re.search(r'<select[^>]*id="(supervisor-[0-9a-f]+)"', page).group(1)
    group_key = re.search(r'<select[^>]*id="(group-[0-9a-f]+)"', page).group(1)
    response = post_step(admin, resolve_url, {key: f"id:{admin.ids['jan.smit2@school.nl']}", group_key: "create"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/controle")
    preview_url = response.headers["Location"]

    page = admin.get(preview_url).get_data(as_text=True)
    assert 'data-count="create">3<' in page
    assert 'data-count="error">1<' in page
    assert "geen-mailadres" in page and "Importeer studenten" in page
    assert count(demo, orm.students) == students_before  # a preview writes nothing

    response = post_step(admin, preview_url, {"existing": "skip"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/resultaat")
    result = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-count="created">3<' in result and 'data-count="errors">1<' in result

    with demo.extensions["container"].engine().connect() as conn:
        rows = conn.execute(
            sa.select(orm.students.c.student_number, orm.users.c.first_name, orm.users.c.email,
                      orm.students.c.supervisor_id, orm.students.c.cohort, orm.users.c.role)
            .join_from(orm.students, orm.users, orm.students.c.user_id == orm.users.c.id)
            .where(orm.students.c.student_number.like("0001%"))
            .order_by(orm.students.c.student_number)
        ).all()
        groups = {r.name for r in conn.execute(sa.select(orm.participant_groups.c.name))}
        memberships = conn.scalar(sa.select(sa.func.count()).select_from(orm.student_groups)) - memberships_before
        saved = conn.scalar(sa.select(orm.import_mappings.c.mapping))
    assert [r.student_number for r in rows] == ["000123", "000124", "000125"]  # leading zeros kept
    assert rows[0].first_name == "Zoë" and rows[0].cohort == "2025" and rows[0].role == "student"
    assert rows[2].supervisor_id == admin.ids["jan.smit2@school.nl"]
    assert {"VIG-1A", "Nieuwe groep"} <= groups
    assert memberships == 3
    assert saved["first_name"] == "Roepnaam"
    # The uploaded file is gone once imported; the result page still reloads.
    assert list((demo.extensions["container"].file_store().root).glob("*")) == []
    assert admin.get(response.headers["Location"]).status_code == 200


def test_a_step_url_survives_a_reload_and_a_second_tab(admin, demo):
    students_before = count(demo, orm.students)
    response = upload(admin, semicolon_csv(*GOOD_ROWS), "export.csv", admin.ids["organisation"])
    mapping_url = response.headers["Location"]
    first = admin.get(mapping_url).get_data(as_text=True)
    second_tab = demo.test_client()
    login(second_tab, "admin@demo.nl")
    assert second_tab.get(mapping_url).get_data(as_text=True).count("selected") == first.count("selected")
    response = post_step(admin, mapping_url, {"map-student_number": "0", "map-last_name": "3", "map-email": "4",
                                              "map-programme": "5", "map-supervisor": "6"})
    preview_url = response.headers["Location"]
    assert preview_url.endswith("/controle")  # no ambiguities: straight to the preview
    assert 'data-count="create">2<' in second_tab.get(preview_url).get_data(as_text=True)
    # Importing from both tabs imports once.
    assert post_step(admin, preview_url).status_code == 302
    page = second_tab.get(preview_url, follow_redirects=True).get_data(as_text=True)
    assert 'data-count="created">2<' in page
    assert count(demo, orm.students) == students_before + 2


def test_the_next_import_offers_the_saved_mapping(admin, demo):
    data = semicolon_csv(*GOOD_ROWS).replace(b"Klas", b"Lesgroep")
    url = upload(admin, data, "a.csv", admin.ids["organisation"]).headers["Location"]
    form = {f"map-{k}": str(i) for i, k in enumerate(
        ["student_number", "first_name", "infix", "last_name", "email", "programme", "supervisor", "trainer", "groups", "cohort"])}
    url = post_step(admin, url, form).headers["Location"]
    if url.endswith("/keuzes"):
        url = post_step(admin, url, choose_every_group(admin, url, "create")).headers["Location"]
    post_step(admin, url)
    again = upload(admin, data, "b.csv", admin.ids["organisation"]).headers["Location"]
    assert re.search(r'id="map-groups".*?<option value="8" selected>Lesgroep', admin.get(again).get_data(as_text=True), re.S)


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "leeg.csv", "leeg"),
        (b"\x00\x01\x02binary\x00" * 50, "data.csv", "binaire"),
        (b"PK\x03\x04 not really a zip", "lijst.xlsx", "geen geldig Excel"),
        (b"Studentnummer;Achternaam\r\n123;Jansen\r\n", "lijst.xlsx", "geen Excel-bestand"),
        (b"Studentnummer;Achternaam\r\n", "alleen-kop.csv", "geen studenten"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "oud.xls", "oud Excel"),
    ],
)
def test_a_file_refused_as_a_whole_stores_nothing(admin, demo, data, filename, message):
    response = upload(admin, data, filename, admin.ids["organisation"])
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(demo, orm.import_sessions) == 0
    root = demo.extensions["container"].file_store().root
    assert not root.exists() or list(root.glob("*")) == []


def test_a_required_field_without_a_column_is_explained(admin, demo):
    data = b"Nummer;Naam\r\n1;Jansen\r\n"
    url = upload(admin, data, "x.csv", admin.ids["organisation"]).headers["Location"]
    response = post_step(admin, url, {"map-student_number": "0", "map-last_name": "1"})
    assert response.status_code == 400
    assert "Kies een kolom voor: E-mailadres, Opleiding, Praktijkbegeleider." in response.get_data(as_text=True)


def test_old_runs_are_cleaned_up_when_a_new_import_starts(admin, demo):
    upload(admin, semicolon_csv(*GOOD_ROWS), "oud.csv", admin.ids["organisation"])
    store_root = demo.extensions["container"].file_store().root
    assert len(list(store_root.glob("*"))) == 1
    with demo.extensions["container"].engine().begin() as conn:
        conn.execute(sa.update(orm.import_sessions).values(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    upload(admin, semicolon_csv(*GOOD_ROWS), "nieuw.csv", admin.ids["organisation"])
    assert count(demo, orm.import_sessions) == 1
    assert len(list(store_root.glob("*"))) == 1


def test_only_admins_may_import(logged_in, demo):
    client = logged_in("begeleider@demo.nl")
    assert client.get("/importeren/").status_code == 403


def test_someone_elses_run_is_not_found(admin, demo):
    url = upload(admin, semicolon_csv(*GOOD_ROWS), "a.csv", admin.ids["organisation"]).headers["Location"]
    assert admin.get("/importeren/bestaat-niet/kolommen").status_code == 404
    assert admin.get(url).status_code == 200


def test_the_example_files_are_recognised_by_the_wizard(admin, demo):
    from mijnportfolio.adapters.tabular import CsvXlsxReader
    from mijnportfolio.domain.imports import suggest_mapping

    for fmt in ("csv", "xlsx"):
        response = admin.get(f"/importeren/voorbeeld.{fmt}")
        assert response.status_code == 200
        table = CsvXlsxReader().read(response.data, f"voorbeeld.{fmt}")
        assert None not in suggest_mapping(table.headers).values()
        assert table.rows[0][1][0] == "000123"


def test_inviting_new_students_queues_one_mail_and_token_each(admin, demo):
    outbox_before = count(demo, orm.outbox)
    url = upload(admin, semicolon_csv(*GOOD_ROWS), "a.csv", admin.ids["organisation"]).headers["Location"]
    url = post_step(admin, url, {"map-student_number": "0", "map-last_name": "3", "map-email": "4",
                                 "map-programme": "5", "map-supervisor": "6"}).headers["Location"]
    response = post_step(admin, url, {"existing": "skip", "invite": "y"})
    assert response.status_code == 302
    assert count(demo, orm.outbox) == outbox_before + 2
    with demo.extensions["container"].engine().connect() as conn:
        bodies = list(conn.scalars(sa.select(orm.outbox.c.body).where(orm.outbox.c.recipients == "francois@example.nl")))
        tokens = conn.scalar(sa.select(sa.func.count()).select_from(orm.user_tokens).where(orm.user_tokens.c.purpose == "invitation"))
    assert len(bodies) == 1 and "http://mijnportfolio.test/wachtwoord-instellen/" in bodies[0]
    assert tokens >= 2


def _refused_rows(page: str) -> list[list[str]]:
    """The cells of the refused-rows table, tags stripped."""
    table = re.search(r'<table[^>]*id="refused-rows".*?</table>', page, re.S)
    assert table, "no table of refused rows"
    rows = re.findall(r"<tr data-row[^>]*>(.*?)</tr>", table.group(0), re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_refused_rows_are_named_by_spreadsheet_row_student_number_and_name(admin, demo):
    # A blank line before the header and a quoted newline in an earlier record: Fleur's row is
    # data row 3 but row 5 of the sheet.
    data = (
        "\r\nStamnr;Roepnaam;Tussenv.;Achternaam;E-mailadres;Opleiding;Mentor;Opmerking\r\n"
        '00121;Anna;;Aa;anna@example.nl;25491;begeleider@demo.nl;"twee\r\nregels"\r\n'
        "00122;Bram;;Bos;bram@example.nl;25491;begeleider@demo.nl;\r\n"
        "00123;Fleur;van der;Berg;;25491;begeleider@demo.nl;\r\n"
    ).encode()
    url = upload(admin, data, "eduarte.csv", admin.ids["organisation"]).headers["Location"]
    url = post_step(admin, url, {"map-student_number": "0", "map-first_name": "1", "map-infix": "2",
                                 "map-last_name": "3", "map-email": "4", "map-programme": "5",
                                 "map-supervisor": "6"}).headers["Location"]
    assert url.endswith("/controle")
    page = admin.get(url).get_data(as_text=True)
    assert _refused_rows(page) == [["5", "00123", "Fleur van der Berg", "E-mailadres ontbreekt."]]
    assert re.search(r'<tr data-row="3" data-sheet-row="5">', page)
    assert "Rij in het bestand" in page
    # The rows to be created show their spreadsheet row too.
    assert re.search(r'<tr data-row="1" data-sheet-row="3"><td>3</td><td>00121</td>', page)

    result_url = post_step(admin, url, {"existing": "skip"}).headers["Location"]
    result = admin.get(result_url).get_data(as_text=True)
    assert 'data-count="created">2<' in result
    assert _refused_rows(result) == [["5", "00123", "Fleur van der Berg", "E-mailadres ontbreekt."]]


def test_a_result_stored_by_the_previous_version_still_shows(admin, demo):
    url = upload(admin, semicolon_csv(*GOOD_ROWS), "a.csv", admin.ids["organisation"]).headers["Location"]
    session_id = url.split("/")[-2]
    old_state = {
        "kind": "csv", "headers": ["Studentnummer"], "rows": 3, "mapping": {"student_number": 0},
        "resolutions": {}, "update_existing": False, "invite": False,
        "result": {"created": 2, "updated": 0, "skipped": 0, "error_count": 1, "invited": 0,
                   "groups_created": [], "errors": [[3, "Achternaam ontbreekt."]]},
    }
    with demo.extensions["container"].engine().begin() as conn:
        conn.execute(sa.update(orm.import_sessions).where(orm.import_sessions.c.id == session_id)
                     .values(state=old_state, step="done"))
    page = admin.get(f"/importeren/{session_id}/resultaat").get_data(as_text=True)
    assert 'data-count="created">2<' in page and 'data-count="errors">1<' in page
    assert _refused_rows(page) == [["gegevensrij 3", "", "", "Achternaam ontbreekt."]]


NEW_GROUP_ROWS = (
    "000201;Ali;;Arslan;ali@example.nl;25491;begeleider@demo.nl;;VIG-1A, Nieuwe groep;2025",
    "000202;Bo;;Bakker;bo@example.nl;25491;begeleider@demo.nl;;Nieuwe groep;2025",
)


def _to_choices(client, rows) -> str:
    url = upload(client, semicolon_csv(*rows), "groepen.csv", client.ids["organisation"]).headers["Location"]
    mapping = {f"map-{k}": str(i) for i, k in enumerate(
        ["student_number", "first_name", "infix", "last_name", "email", "programme", "supervisor", "trainer", "groups", "cohort"])}
    url = post_step(client, url, mapping).headers["Location"]
    assert url.endswith("/keuzes")
    return url


def _groups(app) -> set[str]:
    with app.extensions["container"].engine().connect() as conn:
        return set(conn.scalars(sa.select(orm.participant_groups.c.name)))


def test_an_unknown_group_is_not_created_unless_the_user_chooses_so(admin, demo):
    url = _to_choices(admin, NEW_GROUP_ROWS)
    page = admin.get(url).get_data(as_text=True)
    select = re.search(r'<select[^>]*id="group-[0-9a-f]+".*?</select>', page, re.S).group(0)
    # No choice is made for the user: the only preselected option is the empty one.
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', select) == [""]
    assert {"create", "none", "skip"} <= set(re.findall(r'<option value="([^"]*)"', select))
    state_before = _state(demo)

    response = post_step(admin, url)  # 'Volgende' without choosing
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Kies wat er moet gebeuren met de nieuwe deelnemergroep &#39;Nieuwe groep&#39;" in text
    assert 'aria-invalid="true"' in text
    assert _state(demo) == state_before  # nothing stored
    assert admin.get(url.replace("/keuzes", "/controle")).headers["Location"].endswith("/keuzes")

    response = post_step(admin, url, choose_every_group(admin, url, "none"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/controle")
    assert 'data-count="create">2<' in admin.get(response.headers["Location"]).get_data(as_text=True)
    post_step(admin, response.headers["Location"], {"existing": "skip"})
    assert "Nieuwe groep" not in _groups(demo)


def test_leaving_out_the_rows_of_an_unknown_group(admin, demo):
    url = _to_choices(admin, NEW_GROUP_ROWS)
    preview_url = post_step(admin, url, choose_every_group(admin, url, "skip")).headers["Location"]
    page = admin.get(preview_url).get_data(as_text=True)
    assert 'data-count="create">0<' in page and 'data-count="error">2<' in page
    assert "Nieuwe groep" not in _groups(demo)


def test_a_run_stored_before_groups_needed_a_choice_asks_for_one(admin, demo):
    # The previous version created unknown groups silently and may have left a run at the
    # preview without a choice for them: it goes back to the choices, nothing is imported.
    url = _to_choices(admin, NEW_GROUP_ROWS)
    with demo.extensions["container"].engine().begin() as conn:
        conn.execute(sa.update(orm.import_sessions).values(step="preview"))
    preview_url = url.replace("/keuzes", "/controle")
    response = admin.get(preview_url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/keuzes")
    students = count(demo, orm.students)
    response = admin.post(preview_url, data={"csrf_token": csrf_token(admin.get(url).get_data(as_text=True)),
                                             "existing": "skip"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/keuzes")
    assert count(demo, orm.students) == students and "Nieuwe groep" not in _groups(demo)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kies wat er moet gebeuren met de nieuwe deelnemergroep" in page


def _state(app):
    with app.extensions["container"].engine().connect() as conn:
        return conn.execute(sa.select(orm.import_sessions.c.step, orm.import_sessions.c.state)).one()


def _preview_of(client, rows) -> str:
    url = upload(client, semicolon_csv(*rows), "lijst.csv", client.ids["organisation"]).headers["Location"]
    mapping = {f"map-{k}": str(i) for i, k in enumerate(
        ["student_number", "first_name", "infix", "last_name", "email", "programme", "supervisor", "trainer", "groups", "cohort"])}
    url = post_step(client, url, mapping).headers["Location"]
    if url.endswith("/keuzes"):
        url = post_step(client, url, choose_every_group(client, url, "create")).headers["Location"]
    assert url.endswith("/controle"), url
    return url


def _buttons(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", b).strip() for b in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)]


def test_importeer_studenten_is_not_offered_when_no_row_can_be_imported(admin, demo):
    url = _preview_of(admin, [REFUSED_ROW])
    page = admin.get(url).get_data(as_text=True)
    assert 'data-count="create">0<' in page and 'data-count="error">1<' in page
    assert "Importeer studenten" not in _buttons(page)
    assert "Er is niets om te importeren" in page
    before = (count(demo, orm.students), _state(demo))

    response = post_step(admin, url, {"existing": "skip"})  # a form from another tab, or crafted
    assert response.status_code == 400
    assert "Er is niets om te importeren" in response.get_data(as_text=True)
    assert (count(demo, orm.students), _state(demo)) == before
    assert count(demo, orm.import_mappings) == 0


def test_with_only_existing_students_importing_needs_the_choice_to_update_them(admin, demo):
    post_step(admin, _preview_of(admin, GOOD_ROWS), {"existing": "skip"})
    url = _preview_of(admin, GOOD_ROWS)
    page = admin.get(url).get_data(as_text=True)
    assert 'data-count="create">0<' in page and 'data-count="existing">2<' in page
    assert "Importeer studenten" not in _buttons(page) and "Keuze opslaan" in _buttons(page)

    response = post_step(admin, url, {"existing": "skip"})
    assert response.status_code == 400
    assert "er zijn geen nieuwe studenten" in response.get_data(as_text=True)

    response = post_step(admin, url, {"existing": "update", "apply": "Keuze opslaan"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/controle")
    page = admin.get(url).get_data(as_text=True)
    assert "Importeer studenten" in _buttons(page)
    assert re.search(r'<input[^>]*value="update"[^>]*checked|<input[^>]*checked[^>]*value="update"', page)

    result = admin.get(post_step(admin, url, {"existing": "update"}).headers["Location"]).get_data(as_text=True)
    assert 'data-count="updated">2<' in result
