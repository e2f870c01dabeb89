"""Reading CSV and XLSX as Dutch schools export them, and refusing what is not a table."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from mijnportfolio.adapters.tabular import CsvXlsxReader, decode_text, sniff_delimiter
from mijnportfolio.domain.imports import FileRefused

read = CsvXlsxReader().read
WEIRD = "Zoë Çelik, Françoise Brüggemann, Anaïs"


@pytest.mark.parametrize(
    "encoded",
    [
        ("Naam;Plaats\r\n" + WEIRD.replace(",", "") + ";Zoë\r\n").encode("utf-8"),
        b"\xef\xbb\xbf" + ("Naam;Plaats\r\n" + WEIRD.replace(",", "") + ";Zoë\r\n").encode("utf-8"),
        ("Naam;Plaats\r\n" + WEIRD.replace(",", "") + ";Zoë\r\n").encode("utf-16"),
        ("Naam;Plaats\r\n" + WEIRD.replace(",", "") + ";Zoë\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1252"],
)
def test_short_files_full_of_accents_decode_in_every_encoding(encoded):
    table = read(encoded, "lijst.csv")
    assert table.headers == ("Naam", "Plaats")
    assert table.rows[0][1] == (WEIRD.replace(",", ""), "Zoë")


def test_tiny_windows_1252_files_are_not_misread():
    assert decode_text("Zoë".encode("cp1252")) == "Zoë"
    assert decode_text("é;ë;ç;ü".encode("cp1252")) == "é;ë;ç;ü"
    assert decode_text("Ŝ€".encode("utf-8")) == "Ŝ€"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_detected(delimiter):
    text = delimiter.join(["Studentnummer", "Achternaam", "E-mailadres"]) + "\n" + delimiter.join(["1", "Jansen", "j@x.nl"]) + "\n"
    assert sniff_delimiter(text) == delimiter
    assert read(text.encode(), "x.csv").rows[0][1] == ("1", "Jansen", "j@x.nl")


def test_quoted_fields_may_hold_newlines_and_delimiters():
    data = 'Nr;Opmerking;Naam\r\n1;"regel 1\r\nregel 2; met puntkomma";"Jansen, J."\r\n2;x;Smit\r\n'.encode()
    table = read(data, "x.csv")
    assert table.rows[0] == (1, ("1", "regel 1\r\nregel 2; met puntkomma", "Jansen, J."))
    assert table.rows[1][0] == 2


def test_trailing_empty_rows_and_columns_are_ignored():
    data = b"Nr;Naam;;;\r\n1;Jansen;;;\r\n\r\n;;;;\r\n2;Smit;;;\r\n;;;;\r\n\r\n"
    table = read(data, "x.csv")
    assert table.headers == ("Nr", "Naam")
    assert [n for n, _ in table.rows] == [1, 4]  # row numbers keep counting data rows
    assert table.rows[1][1] == ("2", "Smit")


def test_a_single_column_file_is_read():
    assert read(b"Studentnummer\n001\n002\n", "x.csv").rows[1][1] == ("002",)


def _xlsx(rows, text_format_first_column=True) -> bytes:

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_cells_come_back_as_text_with_dates_and_leading_zeros():
    import datetime as dt

    data = _xlsx([
        ["Studentnummer", "Achternaam", "Startdatum", "Cijfer", None, None],
        ["000123", "Jansen", dt.datetime(2025, 9, 1), 7.5, None, None],
        [12345, "=formule", dt.date(2024, 8, 31), 8.0, None, None],
        [None, None, None, None, None, None],
    ])
    table = read(data, "lijst.xlsx")
    assert table.kind == "xlsx"
    assert table.headers == ("Studentnummer", "Achternaam", "Startdatum", "Cijfer")
    assert table.rows[0][1] == ("000123", "Jansen", "2025-09-01", "7.5")
    assert table.rows[1][1][0] == "12345" and table.rows[1][1][3] == "8"
    assert len(table.rows) == 2


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_bomb_is_refused_before_it_is_expanded():
    bomb = _zip({
        "[Content_Types].xml": b"<Types/>",
        "xl/worksheets/sheet1.xml": b"<worksheet/>",
        "xl/sharedStrings.xml": b"<sst>" + b" " * (80 * 1024 * 1024) + b"</sst>",
    })
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileRefused, match="veel te groot"):
        read(bomb, "bom.xlsx")


def test_a_sheet_declaring_huge_dimensions_is_refused():
    data = _xlsx([["Studentnummer"], ["1"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {n: source.read(n) for n in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    import re

    members["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', sheet).encode()
    with pytest.raises(FileRefused, match="meer dan"):
        read(_zip(members), "groot.xlsx")


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "x.csv", "leeg"),
        (b"Nr;Naam\r\n1;Jansen\r\n", "x.xlsx", "geen Excel-bestand"),
        (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "x.xlsx", "geen geldig Excel"),
        (b"PK\x03\x04" + b"\x00" * 40, "x.csv", "Excel- of zip-bestand"),
        (b"GIF89a\x00\x00\x01\x00", "x.csv", "binaire"),
        (b"Nr;Naam\r\n", "x.csv", "geen studenten"),
        (b"\r\n\r\n", "x.csv", "leeg"),
        (b"Nr\n1\n", "x.pdf", "Kies een CSV-bestand"),
        (b"x" * (10 * 1024 * 1024 + 1), "x.csv", "te groot"),
    ],
)
def test_files_that_are_not_tables_are_refused_with_a_clear_message(data, name, message):
    with pytest.raises(FileRefused, match=message):
        read(data, name)


@settings(max_examples=200)
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_arbitrary_bytes_give_a_table_or_a_refusal_never_a_crash(data, name):
    try:
        table = read(data, name)
    except FileRefused as exc:
        assert exc.message
    else:
        assert table.headers and table.rows


def test_the_header_row_is_counted_as_a_spreadsheet_shows_it():
    # Two blank lines and a title line's worth of nothing before the header; a record that spans
    # three text lines (a quoted newline) is one spreadsheet row.
    data = (
        '\r\n;;\r\nNr;Opmerking;Naam\r\n1;"regel 1\r\nregel 2\r\nregel 3";Jansen\r\n\r\n2;x;Smit\r\n'
    ).encode()
    table = read(data, "x.csv")
    assert table.header_row == 3
    # Data row N is spreadsheet row header_row + N: Jansen on row 4, Smit on row 6.
    assert [(n, table.header_row + n, cells[2]) for n, cells in table.rows] == [(1, 4, "Jansen"), (3, 6, "Smit")]


def test_an_excel_header_below_the_first_row_is_found_on_its_sheet_row():
    wb = Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "Nr", "Naam"
    ws["B4"], ws["C4"] = "1", "Jansen"
    ws["B7"], ws["C7"] = "2", "Smit"
    out = io.BytesIO()
    wb.save(out)
    table = read(out.getvalue(), "x.xlsx")
    assert table.header_row == 3
    assert [table.header_row + n for n, _ in table.rows] == [4, 7]
