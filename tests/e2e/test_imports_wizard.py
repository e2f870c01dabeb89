"""The manual's import path (1.3) in Chromium: 'Importeren', choose the file, map the columns,
resolve an ambiguity, check the preview with a refused row, 'Importeer studenten' - once with a
semicolon-separated CSV with BOM and once with an Excel file."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.integration.imports_support import AMBIGUOUS_ROW, GOOD_ROWS, REFUSED_ROW, ensure_import_data, semicolon_csv


@pytest.fixture
def import_data(live_app):
    return ensure_import_data(live_app.extensions["container"].uow)


def open_wizard(page, base_url):
    page.goto(f"{base_url}/portfolios")
    link = page.get_by_role("link", name="Importeren")
    if link.count():
        link.first.click()
    else:  # the student list is built elsewhere; the wizard has its own address
        page.goto(f"{base_url}/importeren/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren")


def test_import_a_semicolon_csv_with_bom_with_an_ambiguity_and_a_refused_row(
    login_as, page, base_url, import_data, screenshot, tmp_path
):
    path = tmp_path / "export-magister.csv"
    path.write_bytes(semicolon_csv(*GOOD_ROWS, AMBIGUOUS_ROW, REFUSED_ROW, bom=True))
    login_as("admin@demo.nl")
    open_wizard(page, base_url)
    expect(page.get_by_role("link", name="Voorbeeldbestand (CSV)")).to_be_visible()
    page.get_by_label("Organisatie", exact=True).select_option(label="Demo ROC")
    page.get_by_label("Bestand").set_input_files(str(path))
    screenshot("import-1-bestand")
    page.get_by_role("button", name="Volgende").click()

    # Step 2: the columns are pre-filled from the Dutch headers.
    expect(page.get_by_label("Studentnummer")).to_have_value("0")
    expect(page.get_by_label("Voornaam")).to_have_value("1")  # Roepnaam
    expect(page.get_by_label("Tussenvoegsel")).to_have_value("2")  # Voorvoegsel
    expect(page.get_by_label("Deelnemergroepen")).to_have_value("8")  # Klas
    screenshot("import-2-kolommen")
    page.get_by_role("button", name="Volgende").click()

    # Step 3: 'Jan Smit' names two supervisors; for the new group the user has to choose.
    choice = page.get_by_label("Praktijkbegeleider 'Jan Smit'")
    expect(choice).to_be_visible()
    choice.select_option(label="Jan Smit (jan.smit2@school.nl)")
    group = page.get_by_label("Deelnemergroep 'Nieuwe groep'")
    expect(group).to_have_value("")
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies wat er moet gebeuren met de nieuwe deelnemergroep 'Nieuwe groep'")
    screenshot("import-3-keuzes-nog-niet-gekozen")
    expect(page.get_by_label("Praktijkbegeleider 'Jan Smit'")).to_have_value(f"id:{import_data['jan.smit2@school.nl']}")
    group.select_option(label="Nieuwe deelnemergroep met deze naam aanmaken")
    screenshot("import-3-keuzes")
    page.get_by_role("button", name="Volgende").click()

    # Step 4: preview with the refused row and its reason.
    expect(page.locator("[data-count=create]")).to_have_text("3")
    expect(page.locator("[data-count=error]")).to_have_text("1")
    refused = page.locator("#refused-rows tr[data-row='4']")
    expect(refused).to_contain_text("geen geldig e-mailadres")
    # Named as the user finds it in the spreadsheet: row 5 (the header is row 1), number and name.
    expect(refused.get_by_role("cell").nth(0)).to_have_text("5")
    expect(refused).to_contain_text("000126")
    expect(refused).to_contain_text("Piet Puk")
    expect(page.get_by_role("cell", name="Zoë van Dijk")).to_be_visible()
    screenshot("import-4-controle")
    page.get_by_role("button", name="Importeer studenten").click()

    # Step 5: the result.
    expect(page.locator("[data-count=created]")).to_have_text("3")
    expect(page.locator("[data-count=errors]")).to_have_text("1")
    screenshot("import-5-resultaat")
    page.reload()
    expect(page.locator("[data-count=created]")).to_have_text("3")


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cell in ws["A"]:
        cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_an_excel_file_with_an_unknown_programme_and_a_refused_row(
    login_as, page, base_url, import_data, screenshot, tmp_path
):
    import datetime as dt

    path = tmp_path / "studenten.xlsx"
    path.write_bytes(_xlsx([
        ["Leerlingnummer", "Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Opleiding", "SLB-er", "Cohort"],
        ["000301", "Daan", "de", "Wit", "daan.dewit@example.nl", "VIG", "begeleider@demo.nl", dt.datetime(2025, 9, 1)],
        ["000302", "Eline", None, "Bos", "eline.bos@example.nl", "25491", "Bas de Begeleider", 2025],
        ["000303", "Fleur", None, None, "fleur@example.nl", "25491", "begeleider@demo.nl", 2025],
        [None, None, None, None, None, None, None, None],
    ]))
    login_as("admin@demo.nl")
    open_wizard(page, base_url)
    page.get_by_label("Organisatie", exact=True).select_option(label="Demo ROC")
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Volgende").click()

    expect(page.get_by_label("Studentnummer")).to_have_value("0")  # Leerlingnummer
    expect(page.get_by_label("Praktijkbegeleider")).to_have_value("6")  # SLB-er
    page.get_by_role("button", name="Volgende").click()

    page.get_by_label("Opleiding 'VIG'").select_option(label="Verzorgende-IG (25491)")
    page.get_by_role("button", name="Volgende").click()

    expect(page.locator("[data-count=create]")).to_have_text("2")
    refused = page.locator("#refused-rows tr[data-row='3']")
    expect(refused).to_contain_text("Achternaam ontbreekt")
    expect(refused.get_by_role("cell").nth(0)).to_have_text("4")
    expect(refused).to_contain_text("000303")
    expect(refused).to_contain_text("Fleur")
    expect(page.get_by_role("cell", name="000301")).to_be_visible()  # leading zeros kept
    screenshot("import-xlsx-controle")
    page.get_by_role("button", name="Importeer studenten").click()
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.locator("#refused-rows tr[data-sheet-row='4']")).to_contain_text("Achternaam ontbreekt")
    screenshot("import-xlsx-resultaat")


def test_a_file_that_is_not_a_table_gets_a_clear_message(login_as, page, base_url, import_data, tmp_path):
    path = tmp_path / "foto.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    login_as("admin@demo.nl")
    open_wizard(page, base_url)
    page.get_by_label("Organisatie", exact=True).select_option(label="Demo ROC")
    page.get_by_label("Bestand").set_input_files(str(path))
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("alert")).to_contain_text("geen Excel-bestand")
