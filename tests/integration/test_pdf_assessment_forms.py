"""The assessment form and result as PDF: Dutch characters survive, no criterion is cut in two,
every page says which page of how many it is, and nothing runs off the paper.

The PDFs are read back as a reader would: text through pypdf, pages rendered through PDFium
(pages also land in screenshots/pdf/ for a human look)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import attrs
import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from mijnportfolio.adapters.pdf import Fpdf2AssessmentPdfWriter
from mijnportfolio.application.ports.assessment import (
    AssessmentDocument,
    FormCriterion,
    FormGrade,
    FormPart,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "pdf"
UTC = dt.timezone.utc
MM = 72 / 25.4  # PDF points per millimetre
A4 = (210 * MM, 297 * MM)

K1 = ("B1-K1", "Voert de financiële administratie van de coöperatie")
K2 = ("B1-K2", "Ondersteunt het management bij de begroting en de verslaglegging")
WORK_PROCESSES = {
    "B1-K1-W1": (K1, "Verwerkt financiële gegevens in de administratie"),
    "B1-K1-W2": (K1, "Beheert de debiteuren- en crediteurenadministratie"),
    "B1-K2-W1": (K2, "Stelt een begroting op en bewaakt die"),
    "B1-K2-W2": (K2, "Levert een bijdrage aan de jaarafsluiting"),
}
#: Criterion texts with distinct wording, Dutch characters and typography the font must carry.
TEXTS = [
    "Boekt inkoopfacturen van het café in Ĳsselmonde juist en volledig in het grootboek.",
    "Controleert de kasopname van € 1.250,00 en signaleert afwijkingen tijdig bij de leidinggevende.",
    "Verwerkt de bankmutaties van de coöperatie binnen de afgesproken termijn van twee werkdagen.",
    "Stelt een overzicht op van de openstaande posten en licht de “dubieuze” debiteuren toe.",
    "Stuurt herinneringen volgens de incassoprocedure – vriendelijk, maar beslist – en legt dat vast.",
    "Beoordeelt inkomende facturen op juistheid, rechtmatigheid en de juiste btw-tarieven.",
    "Verzamelt de gegevens voor de financiële rapportage over het eerste kwartaal.",
    "Berekent de afschrijvingen op de inventaris en de vervoermiddelen volgens het beleid.",
    "Overlegt met de controller over de aansluiting tussen subadministraties en grootboek.",
    "Archiveert de brondocumenten zodat de accountant ze zonder hulp kan terugvinden.",
    "Maakt een conceptbegroting voor de afdeling evenementen en onderbouwt de aannames.",
    "Vergelijkt de realisatie met de begroting en verklaart verschillen groter dan vijf procent.",
    "Signaleert dreigende overschrijdingen en doet een onderbouwd voorstel aan de budgethouder.",
    "Verwerkt memoriaalboekingen voor de overlopende posten bij de maandafsluiting.",
    "Stemt de tussenrekeningen af en zorgt dat die aan het einde van de periode nul zijn.",
    "Bereidt de specificaties voor de jaarrekening voor en levert ze tijdig aan.",
    "Communiceert helder en respectvol met collega’s, klanten en leveranciers.",
    "Houdt zich aan de privacyregels bij het verwerken van persoonsgegevens van cliënten.",
    "Reflecteert op de eigen werkzaamheden en benoemt concrete verbeterpunten.",
    "Past de financiële software doelmatig toe en lost eenvoudige storingen zelf op.",
]
DESCRIPTORS = {
    1: "De kandidaat voert de taak niet of nauwelijks uit; er zijn fouten die gevolgen hebben voor de "
       "financiële positie van de organisatie en hij of zij herkent ze niet zelf.",
    2: "De kandidaat voert de taak gedeeltelijk uit en heeft daarbij veel aanwijzingen nodig; "
       "belangrijke stappen ontbreken of worden in een verkeerde volgorde gezet.",
    3: "De kandidaat voert de taak uit zoals van een beginnend beroepsbeoefenaar verwacht mag worden, "
       "met enkele kleine onvolkomenheden zonder gevolgen.",
    4: "De kandidaat voert de taak zelfstandig, nauwkeurig en op tijd uit en licht de gemaakte keuzes "
       "desgevraagd toe.",
    5: "De kandidaat voert de taak zelfstandig en foutloos uit, anticipeert op knelpunten en verbetert "
       "uit eigen beweging de werkwijze van het team.",
}
JUSTIFICATIONS = {
    1: "De boekingen bevatten drie fouten in de btw; de kandidaat zag die pas na uitleg.",
    2: "Met hulp voltooid; de aansluiting met het grootboek ontbrak aanvankelijk.",
    5: "Uitstekend: de kandidaat vond zelf een dubbele betaling van € 312,40 en herstelde die.",
}


def criterion(number: int, text: str, work_process: str, *, score: int | None = None,
              knock_out: bool = False, descriptors: bool = True) -> FormCriterion:
    (task, task_title), process_title = WORK_PROCESSES[work_process]
    return FormCriterion(
        number=number, text=text, core_task=task, core_task_title=task_title,
        work_process=work_process, work_process_title=process_title, knock_out=knock_out,
        descriptors=tuple(DESCRIPTORS.items()) if descriptors else (),
        score=score, justification=JUSTIFICATIONS.get(score or 0, "") if score != 3 else "",
    )


def two_parts(result: bool) -> tuple[FormPart, ...]:
    processes = list(WORK_PROCESSES)
    parts = []
    for part_index, (title, texts) in enumerate((("Financiële administratie in de praktijk", TEXTS[:10]),
                                                 ("", TEXTS[10:]))):
        criteria = tuple(
            criterion(
                index + 1, text, processes[part_index * 2 + index * 2 // len(texts)],
                score=(index % 5) + 1 if result else None,
                knock_out=index in (1, 6),
                descriptors=index % 3 != 2,  # some criteria come without descriptors
            )
            for index, text in enumerate(texts)
        )
        parts.append(FormPart(
            number=part_index + 1, title=title, criteria=criteria,
            # 30 March 2026 is the first Monday of summer time: 07:30 UTC is 09:30 in Rotterdam.
            starts_at=dt.datetime(2026, 3, 30 + part_index, 7, 30, tzinfo=UTC),
            location="Coöperatie De Ĳssel, Ĳsselmonde (Rotterdam)",
            examiners=("Anaïs van der Berg", "Joëlle Brüggemann") if part_index == 0 else ("Sören Ünal",),
            assessed_by="Anaïs van der Berg" if result else None,
            final_at=dt.datetime(2026, 3, 30 + part_index, 14, 5, tzinfo=UTC) if result else None,
        ))
    return tuple(parts)


def document(kind: str = "blank", **changes) -> AssessmentDocument:
    result = kind == "result"
    values = dict(
        kind=kind,
        programme="Financieel administratief medewerker (crebo 25140, niveau 3)",
        exam_code="FA-PVB1",
        exam_name="Proeve van bekwaamheid financiële administratie",
        student_name="Zoë Ĳzerman-Çelik",
        student_number="104567",
        attempt_number=2,
        parts=two_parts(result),
        justification_scores=(1, 2, 5),
        pass_mark="5,5",
        generated_at=dt.datetime(2026, 4, 2, 10, 15, tzinfo=UTC),
        organisation="ROC Ĳsselmonde – café-opleidingen",
    )
    if result:
        values.update(
            grades=(
                FormGrade("B1-K1", K1[1], "6,1", True),
                FormGrade("B1-K2", K2[1], "4,8", False, (
                    "Het cijfer 4,8 is lager dan de cesuur 5,5.",
                    "Knock-out-criterium 2 (onderdeel 2) scoorde 2; minimaal 3 is vereist.",
                )),
            ),
            outcome_label="Niet behaald",
            outcome_explanation=(
                "Kerntaak B1-K2 is niet behaald: het cijfer ligt onder de cesuur en een knock-out-criterium "
                "scoorde lager dan 3.\n\nEen herkansing is mogelijk; alle onderdelen worden dan opnieuw gepland."
            ),
            corrections=(
                "01-04-2026 – criterium 4 van onderdeel 1: score 2 → 3, besluit examencommissie EC-2026-014 "
                "(rekenfout bij het optellen van de deelscores).",
            ),
        )
    values.update(changes)
    return AssessmentDocument(**values)


def write(doc: AssessmentDocument) -> bytes:
    return Fpdf2AssessmentPdfWriter().write(doc)


def page_texts(data: bytes) -> list[str]:
    """Each page's text with all white space as single spaces (lines wrap where the layout chose)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def all_criteria(doc: AssessmentDocument) -> list[FormCriterion]:
    return [c for part in doc.parts for c in part.criteria]


def pages_with(texts: list[str], fragment: str) -> list[int]:
    # Not preceded by a digit, so that criterion "1. …" is not found in "21. …".
    pattern = re.compile(r"(?<!\d)" + re.escape(fragment))
    return [number for number, text in enumerate(texts, start=1) if pattern.search(text)]


def save_pngs(data: bytes, name: str) -> list[Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    pdf = pdfium.PdfDocument(data)
    paths = []
    try:
        for index in range(len(pdf)):
            path = SCREENSHOTS / f"{name}-{index + 1}.png"
            pdf[index].render(scale=1.5).to_pil().convert("RGB").save(path)
            paths.append(path)
    finally:
        pdf.close()
    return paths


@pytest.fixture(scope="module")
def blank() -> bytes:
    return write(document("blank"))


@pytest.fixture(scope="module")
def result() -> bytes:
    return write(document("result"))


# -- the file itself ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["blank", "result"])
def test_the_form_is_an_a4_portrait_pdf_set_in_source_sans_pro(kind, blank, result):
    data = blank if kind == "blank" else result
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=0.5)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("SourceSansPro" in name for name in fonts), fonts


@pytest.mark.parametrize("kind", ["blank", "result"])
def test_dutch_characters_come_back_out_of_the_pdf_exactly(kind, blank, result):
    text = " ".join(page_texts(blank if kind == "blank" else result))
    for word in ("Ĳsselmonde", "coöperatie", "financiële", "café", "Zoë Ĳzerman-Çelik", "Anaïs",
                 "Joëlle Brüggemann", "cliënten", "€ 1.250,00", "“dubieuze”", "collega’s",
                 "vriendelijk, maar beslist – en"):
        assert word in text, word
    assert "ROC Ĳsselmonde – café-opleidingen" in text  # the organisation heads the form


# -- the header and parts -----------------------------------------------------------------------


def test_the_blank_form_names_exam_student_and_attempt_and_leaves_room_to_score(blank):
    pages = page_texts(blank)
    first = pages[0]
    for fragment in ("Beoordelingsformulier", "FA-PVB1 – Proeve van bekwaamheid financiële administratie",
                     "Financieel administratief medewerker (crebo 25140, niveau 3)",
                     "Zoë Ĳzerman-Çelik (104567)", "Poging 2",
                     "Onderdeel 1: Financiële administratie in de praktijk",
                     "Datum en tijd 30-03-2026 09:30", "Examinatoren Anaïs van der Berg, Joëlle Brüggemann"):
        assert fragment in first, fragment
    text = " ".join(pages)
    # Nothing is decided on a blank form: no outcome, no score or justification filled in.
    assert "Uitslag" not in text and "Onderbouwing:" not in text
    assert text.count("Score: ") == text.count("Score: 1 2 3 4 5")
    # Part 2 has no title: its number alone, on a sheet of its own, with its single examiner.
    part_two = pages_with(pages, "Onderdeel 2")
    assert part_two and "Onderdeel 2:" not in text
    assert pages[part_two[0] - 1].startswith("Onderdeel 2 Datum en tijd 31-03-2026 09:30")
    assert "Examinator Sören Ünal" in text
    criteria = all_criteria(document("blank"))
    assert text.count("Score: 1 2 3 4 5") == len(criteria)
    assert text.count("Onderbouwing verplicht bij score 1, 2, 5") == len(criteria) + 1  # + the instruction
    assert text.count("Knock-out") == 4
    assert text.count("Beschrijving per score") == sum(1 for c in criteria if c.descriptors)


def test_criteria_sit_under_their_core_task_and_work_process(blank):
    text = " ".join(page_texts(blank))
    position = 0
    for part in document("blank").parts:
        seen_tasks, seen_processes = set(), set()
        for item in part.criteria:
            if item.core_task not in seen_tasks:
                heading = f"{item.core_task} {item.core_task_title}"
                position = text.index(heading, position)
                seen_tasks.add(item.core_task)
            if item.work_process not in seen_processes:
                position = text.index(f"{item.work_process} {item.work_process_title}", position)
                seen_processes.add(item.work_process)
            position = text.index(f"{item.number}. {item.text}", position)


def test_the_result_shows_the_outcome_grades_scores_and_corrections(result):
    pages = page_texts(result)
    first = pages[0]
    for fragment in ("Beoordelingsresultaat", "Uitslag: Niet behaald", "Resultaat per kerntaak",
                     "Kerntaak Titel Cijfer Resultaat",
                     f"B1-K1 {K1[1]} 6,1 Behaald", f"B1-K2 {K2[1]} 4,8 Niet behaald",
                     "Het cijfer 4,8 is lager dan de cesuur 5,5.",
                     "Knock-out-criterium 2 (onderdeel 2) scoorde 2; minimaal 3 is vereist.",
                     "Toelichting Kerntaak B1-K2 is niet behaald",
                     "Een herkansing is mogelijk", "Correcties",
                     "score 2 → 3, besluit examencommissie EC-2026-014"):
        assert fragment in first, fragment
    text = " ".join(pages)
    assert "Beoordeeld door Anaïs van der Berg" in text and "Definitief op 30-03-2026 16:05" in text
    for item in all_criteria(document("result")):
        justification = item.justification or "—"
        assert f"Score: {item.score} Onderbouwing: {justification}" in text, item.text
    assert "Score: 1 2 3 4 5" not in text  # no tick boxes on a result


def test_every_page_has_its_footer_with_page_x_of_y_and_the_moment_it_was_made(blank, result):
    for data in (blank, result):
        pages = page_texts(data)
        for number, text in enumerate(pages, start=1):
            # 12:15 in Amsterdam (summer time) for 10:15 UTC
            assert f"MijnPortfolio · FA-PVB1 · Zoë Ĳzerman-Çelik · pagina {number} van {len(pages)}" in text
            assert "Aangemaakt op 02-04-2026 12:15" in text


# -- page breaks --------------------------------------------------------------------------------


def assert_each_criterion_on_one_page(doc: AssessmentDocument, pages: list[str]) -> None:
    for item in all_criteria(doc):
        words = item.text.split()
        first, last = " ".join(words[:3]), " ".join(words[-3:])
        on = pages_with(pages, f"{item.number}. {first}")
        assert len(on) == 1, (item.text, on)
        assert on == pages_with(pages, last) or last in pages[on[0] - 1], (item.text, on)
        assert f"{item.number}. {item.text}" in pages[on[0] - 1], item.text
        if item.descriptors:  # the whole block: its descriptors and what follows stay with it
            block = pages[on[0] - 1].split(f"{item.number}. {item.text}", 1)[1]
            assert DESCRIPTORS[5] in block


@pytest.mark.parametrize("kind", ["blank", "result"])
def test_no_criterion_is_split_over_two_pages(kind, blank, result):
    assert_each_criterion_on_one_page(document(kind), page_texts(blank if kind == "blank" else result))


def long_document(kind: str, count: int = 60) -> AssessmentDocument:
    processes = list(WORK_PROCESSES)
    criteria = tuple(
        criterion(index + 1, f"{TEXTS[index % len(TEXTS)].rstrip('.')} (situatie {index + 1}).",
                  processes[index * len(processes) // count], score=(index % 5) + 1 if kind == "result" else None,
                  knock_out=index % 7 == 0, descriptors=index % 4 != 3)
        for index in range(count)
    )
    part = FormPart(1, "Alle werkprocessen", criteria)
    return document(kind, parts=(part,))


@pytest.mark.parametrize("kind", ["blank", "result"])
def test_a_long_criterion_list_runs_over_many_pages_without_splitting_a_criterion(kind):
    doc = long_document(kind)
    data = write(doc)
    pages = page_texts(data)
    assert len(pages) >= 12
    assert_each_criterion_on_one_page(doc, pages)
    # A heading is never left alone at the foot of a page: its first criterion is on the same page.
    seen = set()
    for item in doc.parts[0].criteria:
        for code, title in ((item.core_task, item.core_task_title), (item.work_process, item.work_process_title)):
            if code in seen:
                continue
            seen.add(code)
            # (a result also names the core task in its summary on page 1, before the criteria)
            heading_page = pages_with(pages, f"{code} {title}")[-1]
            assert [heading_page] == pages_with(pages, f"{item.number}. {item.text}"), (code, heading_page)
    # A page continuing the part says so at its top.
    part_starts = pages_with(pages, f"Onderdeel 1: Alle werkprocessen {K1[0]} {K1[1]}")[0]
    assert not pages[part_starts - 1].startswith("FA-PVB1 · Onderdeel 1")
    assert all(text.startswith("FA-PVB1 · Onderdeel 1: Alle werkprocessen (vervolg)") for text in pages[part_starts:])


def test_only_a_criterion_taller_than_a_page_breaks_and_then_loses_nothing():
    sentence = "De kandidaat beschrijft uitvoerig hoe de coöperatie in Ĳsselmonde haar financiële administratie inricht."
    huge_text = " ".join(f"{sentence[:-1]} (stap {step})." for step in range(1, 61))
    huge = criterion(2, huge_text, "B1-K1-W1")
    small = criterion(1, TEXTS[0], "B1-K1-W1")
    after = criterion(3, TEXTS[2], "B1-K1-W1")
    doc = document("blank", parts=(FormPart(1, "Groot", (small, huge, after)),))
    pages = page_texts(write(doc))
    assert len(pages) >= 3
    joined = " ".join(pages)
    for step in range(1, 61):
        assert f"(stap {step})." in joined
    first_step, last_step = pages_with(pages, "(stap 1)."), pages_with(pages, "(stap 60).")
    assert first_step[0] < last_step[0]  # it did break: it cannot fit on one page
    the_others = attrs.evolve(doc, parts=(attrs.evolve(doc.parts[0], criteria=(small, after)),))
    assert_each_criterion_on_one_page(the_others, pages)


# -- what the page looks like -------------------------------------------------------------------


def character_boxes(data: bytes):
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            for char in range(text.count_chars()):
                if text.get_text_range(char, 1).strip():
                    yield index + 1, text.get_text_range(char, 1), text.get_charbox(char)
    finally:
        pdf.close()


@pytest.mark.parametrize("kind", ["blank", "result", "long", "edge"])
def test_no_text_runs_off_the_page(kind, blank, result):
    if kind == "long":
        data = write(long_document("result", 30))
    elif kind == "edge":
        data = write(document(
            "result",
            student_name="Maximiliaan Alexander " * 12,
            parts=(FormPart(1, "Lange woorden " * 20, (
                criterion(1, "Zie https://voorbeeld.nl/" + "heel-lang-pad-" * 30 + " en " + "x" * 300,
                          "B1-K1-W1", score=1, knock_out=True),
            )),),
            outcome_explanation="Bijzondere tekens: 😀 漢字\tmet tab\r\nen Windows-regeleinden\x07.",
        ))
    else:
        data = blank if kind == "blank" else result
    count = 0
    for page, char, (left, bottom, right, top) in character_boxes(data):
        count += 1
        assert 14 * MM <= left and right <= A4[0] - 14 * MM, (page, char, left, right)
        assert 8 * MM <= bottom and top <= A4[1] - 6 * MM, (page, char, bottom, top)
    assert count > 500


def test_the_pages_render_and_the_margins_stay_clean(blank, result):
    rendered = save_pngs(blank, "blank") + save_pngs(result, "result")
    save_pngs(write(long_document("blank", 24)), "long-blank")
    assert len(rendered) >= 6
    for path in rendered:
        with Image.open(path) as image:
            grey = image.convert("L")
            width, height = grey.size
            px_per_mm = width / 210
            body = grey.crop((0, 0, width, height))
            assert body.getextrema()[0] < 100, path  # something dark is printed on the page
            for box in (
                (0, 0, int(12 * px_per_mm), height),  # left margin
                (width - int(12 * px_per_mm), 0, width, height),  # right margin
                (0, height - int(6 * px_per_mm), width, height),  # below the footer
            ):
                assert grey.crop(box).getextrema() == (255, 255), (path, box)


def test_a_forty_criterion_exam_is_written_in_full_over_its_pages():
    doc = long_document("result", 40)
    texts = page_texts(write(doc))
    assert len(texts) >= 8
    last = len(texts)
    assert f"pagina {last} van {last}" in texts[-1]
    assert "(situatie 40)" in " ".join(texts)
