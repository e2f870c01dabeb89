"""The catalogue screens through the Flask test client, as admin and as everyone else."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from mijnportfolio.adapters import orm
from mijnportfolio.adapters.exam_definition import EXAMPLE_YAML, parse_exam_definition
from tests.helpers import csrf_token, login, post_form

ADMIN = "admin@demo.nl"


def _count(app, table) -> int:
    with app.extensions["container"].engine().connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table))


def _structure_counts(app) -> tuple[int, ...]:
    return tuple(_count(app, t) for t in (orm.exams, orm.exam_parts, orm.core_tasks, orm.work_processes, orm.criteria, orm.modules))


def _create_programme(client, name="Maatschappelijke Zorg", crebo="25476", level="4") -> int:
    response = post_form(client, "/opleidingen/nieuw", {"name": name, "crebo": crebo, "level": level})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/opleidingen/(\d+)", response.headers["Location"]).group(1))


def _upload(client, programme_id: int, content: bytes, filename="examen.yaml", replace=False):
    url = f"/opleidingen/{programme_id}/examens/uploaden"
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "file": (io.BytesIO(content), filename)}
    if replace:
        data["replace"] = "y"
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def admin(logged_in):
    return logged_in(ADMIN)


# --- programmes ----------------------------------------------------------------------------


def test_admin_creates_a_programme_and_finds_it_in_the_searchable_list(admin):
    programme_id = _create_programme(admin)
    page = admin.get(f"/opleidingen/{programme_id}").get_data(as_text=True)
    assert "Maatschappelijke Zorg" in page and "25476" in page
    listing = admin.get("/opleidingen?q=maatschappelijk").get_data(as_text=True)
    assert 'data-programme="25476"' in listing
    assert 'data-programme="25491"' not in listing  # the demo's Verzorgende-IG does not match
    assert "Opleiding toevoegen" in listing and 'aria-label="Bekijken"' in listing
    by_crebo_desc = admin.get("/opleidingen?sort=-crebo").get_data(as_text=True)
    assert by_crebo_desc.index('data-programme="25491"') < by_crebo_desc.index('data-programme="25476"')


@pytest.mark.parametrize(
    "values, message",
    [
        ({"crebo": "1234"}, "Een crebocode bestaat uit precies 5 cijfers."),
        ({"crebo": "12a45"}, "Een crebocode bestaat uit precies 5 cijfers."),
        ({"crebo": "25491"}, "Er bestaat al een opleiding met crebocode 25491."),
        ({"level": "5"}, "Het niveau moet 1, 2, 3 of 4 zijn."),
        ({"level": "0"}, "Het niveau moet 1, 2, 3 of 4 zijn."),
        ({"name": "  "}, "Naam is verplicht."),
    ],
)
def test_a_bad_programme_gets_a_dutch_message_by_the_field_and_nothing_is_stored(admin, demo, values, message):
    before = _count(demo, orm.programmes)
    data = {"name": "Nieuwe opleiding", "crebo": "12345", "level": "2", **values}
    response = post_form(admin, "/opleidingen/nieuw", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(demo, orm.programmes) == before


def test_a_programme_with_students_or_exams_is_not_deleted_but_an_empty_one_is(admin, demo):
    with demo.extensions["container"].engine().connect() as conn:
        vig = conn.scalar(sa.select(orm.programmes.c.id).where(orm.programmes.c.crebo == "25491"))
    response = post_form(admin, f"/opleidingen/{vig}/verwijderen", {}, form_url=f"/opleidingen/{vig}", follow_redirects=True)
    assert "kan niet worden verwijderd" in response.get_data(as_text=True)
    assert admin.get(f"/opleidingen/{vig}").status_code == 200
    empty = _create_programme(admin, "Leeg", "11111", "1")
    response = post_form(admin, f"/opleidingen/{empty}/verwijderen", {}, form_url=f"/opleidingen/{empty}", follow_redirects=True)
    assert "Opleiding Leeg is verwijderd." in response.get_data(as_text=True)
    assert admin.get(f"/opleidingen/{empty}").status_code == 404


@pytest.mark.parametrize("email", ["begeleider@demo.nl", "examinator@demo.nl", "opleider@demo.nl", "student1@demo.nl"])
def test_everyone_but_the_admin_gets_403_on_the_catalogue(demo, email):
    client = demo.test_client()
    assert login(client, email).status_code == 302
    before = _structure_counts(demo), _count(demo, orm.programmes)
    for url in ("/opleidingen", "/opleidingen/nieuw", "/opleidingen/1", "/opleidingen/1/examens/uploaden",
                "/examens/1", "/examens/voorbeeld.yaml", "/examens/1/download.yaml"):
        assert client.get(url).status_code == 403, url
    # A POST straight at a route is refused by the role, not only by the missing CSRF token.
    demo.config["WTF_CSRF_ENABLED"] = False
    posts = {
        "/opleidingen/nieuw": {"name": "X", "crebo": "12345", "level": "2"},
        "/opleidingen/1/verwijderen": {},
        "/opleidingen/1/examens/uploaden": {"file": (io.BytesIO(EXAMPLE_YAML.encode()), "x.yaml")},
        "/examens/1/verwijderen": {},
    }
    for url, data in posts.items():
        assert client.post(url, data=data, content_type="multipart/form-data").status_code == 403, url
    assert (_structure_counts(demo), _count(demo, orm.programmes)) == before


def test_anonymous_visitors_are_sent_to_the_login(client, demo):
    response = client.get("/opleidingen")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- modules ---------------------------------------------------------------------------------


def test_admin_adds_renames_and_deletes_a_module_but_not_one_with_exams(admin, demo):
    programme_id = _create_programme(admin)
    response = post_form(admin, f"/opleidingen/{programme_id}/modules/nieuw", {"name": "Keuzedeel Dementie"})
    assert response.status_code == 302
    duplicate = post_form(admin, f"/opleidingen/{programme_id}/modules/nieuw", {"name": "keuzedeel dementie"})
    assert duplicate.status_code == 400 and "al een module" in duplicate.get_data(as_text=True)
    with demo.extensions["container"].engine().connect() as conn:
        module_id = conn.scalar(sa.select(orm.modules.c.id).where(orm.modules.c.name == "Keuzedeel Dementie"))
    edit = f"/opleidingen/{programme_id}/modules/{module_id}/bewerken"
    assert post_form(admin, edit, {"name": "Keuzedeel Dementie 2"}).status_code == 302
    exam = post_form(admin, f"/opleidingen/{programme_id}/examens/nieuw", {
        "code": "KD", "name": "Keuzedeel", "module_id": str(module_id), "pass_mark": "5,5", "justification_scores": ["1", "5"]})
    assert exam.status_code == 302
    delete = f"/opleidingen/{programme_id}/modules/{module_id}/verwijderen"
    page = post_form(admin, delete, {}, form_url=f"/opleidingen/{programme_id}", follow_redirects=True).get_data(as_text=True)
    assert "heeft nog examens (KD)" in page
    assert _count(demo, orm.modules) >= 1


# --- exams: the header form -------------------------------------------------------------------


def test_the_exam_header_form_validates_in_dutch(admin, demo):
    programme_id = _create_programme(admin)
    url = f"/opleidingen/{programme_id}/examens/nieuw"
    form_page = admin.get(url).get_data(as_text=True)
    for label in ("Code", "Naam", "Module", "Planningsinstructie", "Locatie", "Maximaal aantal pogingen", "Cesuur"):
        assert f">{label}</label>" in form_page, label
    good = {"code": "LM", "name": "Leidinggeven", "pass_mark": "5,5", "max_attempts": "3", "justification_scores": ["1", "2", "5"]}
    assert post_form(admin, url, good).status_code == 302
    before = _count(demo, orm.exams)
    for change, message in [
        ({"code": "lm"}, "al een examen met code LM"),
        ({"code": "L M"}, "geen spaties"),
        ({"code": "X1", "pass_mark": "11"}, "De cesuur moet tussen 1,0 en 10,0 liggen."),
        ({"code": "X1", "pass_mark": "5,55"}, "hoogstens één decimaal"),
        ({"code": "X1", "max_attempts": "0"}, "tussen 1 en 99"),
        ({"code": "X1", "justification_scores": ["6"]}, "Score 6 bestaat niet"),
    ]:
        response = post_form(admin, url, {**good, **change})
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert _count(demo, orm.exams) == before


# --- upload and download -----------------------------------------------------------------------


def test_uploading_the_example_file_creates_the_exam_with_its_whole_structure(admin, demo):
    programme_id = _create_programme(admin)
    example = admin.get("/examens/voorbeeld.yaml")
    assert example.status_code == 200 and "attachment" in example.headers["Content-Disposition"]
    response = _upload(admin, programme_id, example.data)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Examen LM is toegevoegd: 2 onderdelen, 3 criteria." in page
    assert 'data-part="1"' in page and 'data-part="2"' in page
    assert "B1-K1-W2" in page and "KO" in page and "Brengt alle aspecten volledig" in page
    assert "Beroepsgericht" in page  # the module was created


BAD_FILES = [
    (EXAMPLE_YAML.replace("          5: Brengt", "          6: Brengt"), "examen.yaml",
     "Onderdeel 1, criterium 1: een beschrijving voor score 6 is niet toegestaan (alleen 1 t/m 5)."),
    (EXAMPLE_YAML.replace("  - number: 2", "  - number: 3"), "examen.yaml",
     "Onderdeel 2 ontbreekt: de onderdelen moeten doorlopend genummerd zijn van 1 t/m 2."),
    (EXAMPLE_YAML.replace("  - number: 2", "  - number: 1"), "examen.yaml", "het nummer 1 komt twee keer voor"),
    (EXAMPLE_YAML.replace("work_process: B1-K2-W1\n", "work_process: B9-K9-W9\n"), "examen.yaml",
     "Onderdeel 2, criterium 1: werkproces B9-K9-W9 bestaat niet"),
    (EXAMPLE_YAML.split("parts:")[0], "examen.yaml", "Examen: de onderdelen (parts) ontbreken."),
    ("code: LM\nname: [", "examen.yaml", "Het bestand is geen geldige YAML of JSON: fout op regel"),
    ('{"code": "LM",}', "examen.json", "Het bestand is geen geldige JSON: fout op regel 1"),
    ("\x89PNG\r\n\x1a\n\x00\x00\x00", "plaatje.png", "Dit is geen JSON- of YAML-bestand"),
    ("", "leeg.yaml", "Het bestand is leeg."),
    ("gewoon wat tekst", "tekst.txt", "Het bestand beschrijft geen examen"),
]


@pytest.mark.parametrize("content, filename, message", BAD_FILES)
def test_a_bad_exam_file_gets_a_precise_dutch_message_and_nothing_is_stored(admin, demo, content, filename, message):
    programme_id = _create_programme(admin)
    before = _structure_counts(demo)
    data = content.encode("latin-1") if filename == "plaatje.png" else content.encode()
    response = _upload(admin, programme_id, data, filename=filename)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Het examenbestand is niet opgeslagen" in text or message in text
    assert message in text.replace("&#39;", "'").replace("&lt;", "<"), text[-3000:]
    assert _structure_counts(demo) == before


def test_a_yaml_bomb_and_a_huge_file_are_refused_without_effort(admin, demo):
    programme_id = _create_programme(admin)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    before = _structure_counts(demo)
    response = _upload(admin, programme_id, bomb.encode())
    assert response.status_code == 400 and "YAML-verwijzingen" in response.get_data(as_text=True)
    huge = ("# " + "x" * 100 + "\n") * 11_000
    response = _upload(admin, programme_id, huge.encode())
    assert response.status_code == 400 and "hoogstens 1 MB" in response.get_data(as_text=True)
    deep = "[" * 5000 + "]" * 5000
    response = _upload(admin, programme_id, deep.encode(), filename="diep.json")
    assert response.status_code == 400 and "te diep genest" in response.get_data(as_text=True)
    assert _structure_counts(demo) == before


def test_an_existing_exam_code_is_refused_unless_replacing_is_ticked(admin, demo):
    programme_id = _create_programme(admin)
    assert _upload(admin, programme_id, EXAMPLE_YAML.encode()).status_code == 302
    before = _structure_counts(demo)
    changed = EXAMPLE_YAML.replace("name: Leidinggeven en meewerken", "name: Leidinggeven (nieuw)").replace(
        "  - number: 2\n    title: Reflecteren", "  - number: 2\n    title: Terugblikken")
    refused = _upload(admin, programme_id, changed.encode())
    assert refused.status_code == 400 and "Vink &#39;Bestaand examen met dezelfde code vervangen&#39; aan" in refused.get_data(as_text=True)
    assert _structure_counts(demo) == before
    replaced = _upload(admin, programme_id, changed.encode(), replace=True)
    assert replaced.status_code == 302
    page = admin.get(replaced.headers["Location"]).get_data(as_text=True)
    assert "Examen LM is vervangen" in page and "Terugblikken" in page and "Leidinggeven (nieuw)" in page
    assert _structure_counts(demo) == before  # same shape: replaced, not added


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_download_then_upload_gives_the_same_exam(admin, demo, fmt):
    programme_id = _create_programme(admin)
    created = _upload(admin, programme_id, EXAMPLE_YAML.encode())
    exam_id = int(created.headers["Location"].rsplit("/", 1)[1])
    first = admin.get(f"/examens/{exam_id}/download.{fmt}")
    assert first.status_code == 200 and f'filename="examen-LM.{fmt}"' in first.headers["Content-Disposition"]
    assert parse_exam_definition(first.data, f"x.{fmt}") == parse_exam_definition(EXAMPLE_YAML.encode(), "x.yaml")
    other = _create_programme(admin, "Kopie", "22222", "3")
    again = _upload(admin, other, first.data, filename=f"examen-LM.{fmt}")
    assert again.status_code == 302
    second_id = int(again.headers["Location"].rsplit("/", 1)[1])
    second = admin.get(f"/examens/{second_id}/download.{fmt}")
    assert second.data == first.data


# --- the structure editor ------------------------------------------------------------------------


def test_admin_builds_an_exam_by_hand_with_the_structure_editor(admin, demo):
    programme_id = _create_programme(admin)
    created = post_form(admin, f"/opleidingen/{programme_id}/examens/nieuw", {
        "code": "PV", "name": "Proeve", "pass_mark": "5,5", "justification_scores": ["1", "2", "5"]})
    exam_id = int(created.headers["Location"].rsplit("/", 1)[1])
    base = f"/examens/{exam_id}"
    assert post_form(admin, f"{base}/kerntaken/nieuw", {"code": "B1-K1", "title": "Zorg"}).status_code == 302
    twice = post_form(admin, f"{base}/kerntaken/nieuw", {"code": "b1-k1", "title": "Dubbel"})
    assert twice.status_code == 400 and "De code b1-k1 bestaat al in dit examen." in twice.get_data(as_text=True)
    with demo.extensions["container"].engine().connect() as conn:
        core_task_id = conn.scalar(sa.select(orm.core_tasks.c.id).where(orm.core_tasks.c.exam_id == exam_id))
    for code in ("B1-K1-W1", "B1-K1-W2"):
        assert post_form(admin, f"{base}/werkprocessen/nieuw", {"core_task_id": str(core_task_id), "code": code}).status_code == 302
    assert post_form(admin, f"{base}/onderdelen/nieuw", {"title": "Eerste"}).status_code == 302
    assert post_form(admin, f"{base}/onderdelen/nieuw", {"title": "Tweede"}).status_code == 302
    with demo.extensions["container"].engine().connect() as conn:
        parts = dict(conn.execute(sa.select(orm.exam_parts.c.number, orm.exam_parts.c.id).where(orm.exam_parts.c.exam_id == exam_id)).all())
        wps = dict(conn.execute(sa.select(orm.work_processes.c.code, orm.work_processes.c.id)).all())
    for text, wp in (("Eerste criterium", "B1-K1-W1"), ("Tweede criterium", "B1-K1-W2")):
        response = post_form(admin, f"{base}/criteria/nieuw", {
            "part_id": str(parts[1]), "work_process_id": str(wps[wp]), "text": text, "knock_out": "y" if wp.endswith("2") else "",
            "descriptor_1": "Onvoldoende", "descriptor_5": "Uitstekend"})
        assert response.status_code == 302
    page = admin.get(base).get_data(as_text=True)
    assert page.index("Eerste criterium") < page.index("Tweede criterium")
    with demo.extensions["container"].engine().connect() as conn:
        second = conn.scalar(sa.select(orm.criteria.c.id).where(orm.criteria.c.text == "Tweede criterium"))
        first = conn.scalar(sa.select(orm.criteria.c.id).where(orm.criteria.c.text == "Eerste criterium"))
    assert post_form(admin, f"{base}/criteria/{second}/omhoog", {}, form_url=base).status_code == 302
    page = admin.get(base).get_data(as_text=True)
    assert page.index("Tweede criterium") < page.index("Eerste criterium")
    # A criterion moves to another part through its form.
    moved = post_form(admin, f"{base}/criteria/{first}/bewerken", {
        "part_id": str(parts[2]), "work_process_id": str(wps["B1-K1-W1"]), "text": "Eerste criterium", "descriptor_3": "Voldoende"})
    assert moved.status_code == 302
    # A work process with criteria is not deleted; deleting part 1 renumbers part 2.
    refused = post_form(admin, f"{base}/werkprocessen/{wps['B1-K1-W2']}/verwijderen", {}, form_url=base, follow_redirects=True)
    assert "heeft nog 1 criterium" in refused.get_data(as_text=True)
    assert post_form(admin, f"{base}/onderdelen/{parts[1]}/verwijderen", {}, form_url=base).status_code == 302
    with demo.extensions["container"].engine().connect() as conn:
        remaining = conn.execute(sa.select(orm.exam_parts.c.id, orm.exam_parts.c.number).where(orm.exam_parts.c.exam_id == exam_id)).all()
    assert [tuple(r) for r in remaining] == [(parts[2], 1)]
    download = admin.get(f"{base}/download.yaml").get_data(as_text=True)
    assert "3: Voldoende" in download and "Tweede criterium" not in download
    # Invalid criterion input: no text, and a part of another exam.
    bad = post_form(admin, f"{base}/criteria/nieuw", {"part_id": "999999", "work_process_id": str(wps["B1-K1-W1"]), "text": "x"})
    assert bad.status_code == 400 and "Kies een onderdeel van dit examen." in bad.get_data(as_text=True)


def test_missing_exams_parts_and_criteria_answer_404(admin):
    assert admin.get("/examens/999999").status_code == 404
    assert admin.get("/opleidingen/999999").status_code == 404
    assert admin.get("/examens/999999/download.json").status_code == 404


def test_an_empty_programme_form_shows_every_missing_field_in_one_save(admin, demo):
    before = _count(demo, orm.programmes)
    response = post_form(admin, "/opleidingen/nieuw", {"name": "", "crebo": "", "level": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Naam is verplicht." in html
    assert "Een crebocode bestaat uit precies 5 cijfers." in html
    assert "Het niveau moet 1, 2, 3 of 4 zijn." in html
    assert _count(demo, orm.programmes) == before


def test_the_programme_form_marks_its_required_fields(admin):
    html = admin.get("/opleidingen/nieuw").get_data(as_text=True)
    for field in ("name", "crebo", "level"):
        assert re.search(rf'<label class="form-label" for="{field}">[^<]+</label> <span class="text-danger" aria-hidden="true">\*</span>', html), field


def test_two_admins_editing_one_programme_the_later_save_is_refused(admin, demo):
    programme_id = _create_programme(admin)
    url = f"/opleidingen/{programme_id}/bewerken"
    first_tab = admin.get(url).get_data(as_text=True)
    second_tab = admin.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', first_tab).group(1)
    saved = admin.post(url, data={"name": "Eerst", "crebo": "25476", "level": "4", "version": version,
                                  "csrf_token": csrf_token(first_tab)})
    assert saved.status_code == 302
    late = admin.post(url, data={"name": "Later", "crebo": "25476", "level": "2", "version": version,
                                 "csrf_token": csrf_token(second_tab)})
    assert late.status_code == 400
    assert "Iemand anders heeft dit tegelijk gewijzigd" in late.get_data(as_text=True)
    with demo.extensions["container"].engine().connect() as conn:
        row = conn.execute(sa.select(orm.programmes.c.name, orm.programmes.c.level).where(orm.programmes.c.id == programme_id)).one()
    assert tuple(row) == ("Eerst", 4)


def test_a_part_without_a_title_is_shown_by_its_number_alone(admin, demo):
    programme_id = _create_programme(admin)
    created = post_form(admin, f"/opleidingen/{programme_id}/examens/nieuw", {
        "code": "PV", "name": "Proeve", "pass_mark": "5,5", "justification_scores": ["1"]})
    base = f"/examens/{int(created.headers['Location'].rsplit('/', 1)[1])}"
    assert post_form(admin, f"{base}/onderdelen/nieuw", {"title": "Zorg verlenen"}).status_code == 302
    assert post_form(admin, f"{base}/onderdelen/nieuw", {"title": ""}).status_code == 302
    with demo.extensions["container"].engine().connect() as conn:
        titles = dict(conn.execute(sa.select(orm.exam_parts.c.number, orm.exam_parts.c.title)).all())
    assert titles[2] == ""
    page = admin.get(base).get_data(as_text=True)
    assert '<h3 class="h6 mb-0">Onderdeel 1: Zorg verlenen</h3>' in page
    assert '<h3 class="h6 mb-0">Onderdeel 2</h3>' in page and "Onderdeel 2: Onderdeel 2" not in page


def test_deleting_a_module_says_so(admin, demo):
    programme_id = _create_programme(admin)
    assert post_form(admin, f"/opleidingen/{programme_id}/modules/nieuw", {"name": "Keuzedeel"}).status_code == 302
    with demo.extensions["container"].engine().connect() as conn:
        module_id = conn.scalar(sa.select(orm.modules.c.id).where(orm.modules.c.programme_id == programme_id))
    done = post_form(admin, f"/opleidingen/{programme_id}/modules/{module_id}/verwijderen", {},
                     form_url=f"/opleidingen/{programme_id}", follow_redirects=True)
    assert "De module is verwijderd." in done.get_data(as_text=True)


def test_one_programme_is_counted_in_the_singular(admin):
    html = admin.get("/opleidingen?q=Verzorgende").get_data(as_text=True)
    assert ">1 opleiding</div>" in html
