"""Reading CSV and XLSX files as Dutch schools export them (product.md 4.3).

CSV: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (a strict UTF-8 decode is
tried first; generic detectors misread short Windows-1252 files); `;`, `,` or tab separated;
quoted fields with newlines. XLSX: openpyxl in read-only mode (defusedxml is installed, so
openpyxl parses with it), after checking the zip's uncompressed sizes and the sheet's declared
dimension, so that a small "bomb" file never gets expanded in memory.

Every cell comes back as text: numbers without a spurious '.0', dates as ISO dates.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Iterator

import attrs

from mijnportfolio.domain.imports import (
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_FILE_BYTES,
    FileRefused,
    clean_cell,
)

MAX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024  # all parts of an XLSX together
MAX_SHARED_STRINGS_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 2000

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and other MS Office binaries)


@attrs.frozen
class Table:
    """Headers and data rows (lists of text cells); ``rows`` yields (row number, cells), row
    numbers counting data rows from 1. Empty rows are skipped but keep their number, so data
    row N is spreadsheet row ``header_row + N``."""

    kind: str  # "csv" | "xlsx"
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int = 1  # as a spreadsheet program numbers it: CSV records or sheet rows, from 1


class CsvXlsxReader:
    """The TabularReader port: bytes and a file name in, a Table out, or FileRefused."""

    def read(self, data: bytes, filename: str) -> Table:
        if not data:
            raise FileRefused("Het bestand is leeg.")
        if len(data) > MAX_FILE_BYTES:
            raise FileRefused("Het bestand is te groot. Een bestand mag hoogstens 10 MB zijn.")
        name = (filename or "").lower()
        if data.startswith(OLE_MAGIC):
            raise FileRefused(
                "Dit is een oud Excel-bestand (.xls) of een ander binair bestand. "
                "Sla het in Excel op als .xlsx of als CSV en probeer het opnieuw."
            )
        if name.endswith((".xlsx", ".xlsm")):
            if not data.startswith(XLSX_MAGIC):
                raise FileRefused("Dit bestand heet .xlsx maar is geen Excel-bestand. Kies een echt .xlsx- of CSV-bestand.")
            return read_xlsx(data)
        if name.endswith((".csv", ".txt", ".tsv")):
            if data.startswith(XLSX_MAGIC):
                raise FileRefused(
                    "Dit bestand heet .csv maar is een Excel- of zip-bestand. Sla het op als CSV of kies het .xlsx-bestand."
                )
            return read_csv(data)
        raise FileRefused("Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx).")


# ------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) and UTF-16 with BOM; otherwise Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16")
    try:
        return data.decode("utf-8")  # strict: a Windows-1252 'é' is never valid UTF-8 here
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; they do not occur in real text, map them as Latin-1.
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")


def _cp1252_ok(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused("De tekens in dit bestand kunnen niet worden gelezen. Sla het op als CSV (UTF-8).") from None


def sniff_delimiter(text: str) -> str:
    """';', ',' or tab: the one that splits the header (first non-empty record) into the most
    columns, quotes respected. Dutch Excel writes ';'; ties go to ';'."""
    sample = text[:64 * 1024]
    best, best_count = ",", 1
    for delimiter in (";", ",", "\t"):
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            header: list[str] = []
            for record in reader:
                if any(cell.strip() for cell in record):
                    header = record
                    break
        except csv.Error:
            continue
        count = len([c for c in header if c.strip()])
        if count > best_count:
            best, best_count = delimiter, count
    return best


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    if "\x00" in text:
        raise FileRefused("Dit bestand bevat binaire gegevens en is geen CSV-bestand.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        return _table("csv", reader)
    except csv.Error:
        raise FileRefused("Dit CSV-bestand is beschadigd (aanhalingstekens kloppen niet).") from None


def _table(kind: str, records: Iterator) -> Table:
    """``records`` are CSV records or sheet rows, one per row a spreadsheet program shows
    (a quoted newline does not start a new one), blank ones included."""
    headers: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    for record in records:
        cells = [_cell_text(v) for v in record[:MAX_COLUMNS + 1]]
        if headers is None:
            header_row += 1
            if not any(cells):
                continue  # blank lines before the header
            if len(cells) > MAX_COLUMNS:
                raise FileRefused(f"Dit bestand heeft meer dan {MAX_COLUMNS} kolommen.")
            while cells and not cells[-1]:
                cells.pop()  # trailing empty columns
            headers = [c or f"Kolom {i + 1}" for i, c in enumerate(cells)]
            continue
        number += 1
        if not any(cells):
            continue  # empty rows (trailing or not) are not data
        if number > MAX_DATA_ROWS:
            raise FileRefused(
                f"Dit bestand heeft meer dan {MAX_DATA_ROWS} rijen. Splits het in kleinere bestanden."
            )
        rows.append((number, tuple(cells[: len(headers)])))
    if headers is None:
        raise FileRefused("Het bestand is leeg: er staat geen kopregel in.")
    if not rows:
        raise FileRefused("Het bestand bevat geen studenten: er staan alleen kolomnamen in.")
    return Table(kind=kind, headers=tuple(headers), rows=tuple(rows), header_row=header_row)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_cell(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # Excel stores 12345 as 12345.0
        return format(Decimal(repr(value)).normalize(), "f")
    return clean_cell(str(value))


# ------------------------------------------------------------------------------------------
# XLSX
# ------------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("Dit bestand is geen geldig Excel-bestand (.xlsx).") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise FileRefused("Dit Excel-bestand is ongebruikelijk opgebouwd en wordt niet ingelezen.")
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
            raise FileRefused("Dit bestand is geen geldig Excel-bestand (.xlsx).")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            too_big = member.file_size > MAX_SHARED_STRINGS_BYTES and member.filename.endswith("sharedStrings.xml")
            if too_big or (ratio > MAX_COMPRESSION_RATIO and member.file_size > 10 * 1024 * 1024):
                raise FileRefused("Dit Excel-bestand pakt uit tot een veel te groot bestand en wordt niet ingelezen.")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileRefused("Dit Excel-bestand pakt uit tot een veel te groot bestand en wordt niet ingelezen.")


def read_xlsx(data: bytes) -> Table:
    _check_zip(data)
    from openpyxl import load_workbook  # imported here: only needed for Excel files

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise FileRefused("Dit bestand is geen geldig Excel-bestand (.xlsx).") from None
    try:
        if not workbook.worksheets:
            raise FileRefused("Dit Excel-bestand bevat geen werkblad.")
        sheet = workbook.worksheets[0]
        try:
            max_row, max_col = sheet.max_row, sheet.max_column  # the declared <dimension>
        except Exception:  # noqa: BLE001
            max_row = max_col = None
        if max_row is not None and max_row > MAX_DATA_ROWS + 1_000:
            raise FileRefused(
                f"Dit werkblad heeft meer dan {MAX_DATA_ROWS} rijen. Splits het in kleinere bestanden."
            )
        columns = min(max_col or MAX_COLUMNS, MAX_COLUMNS) if max_col else MAX_COLUMNS
        try:
            records = sheet.iter_rows(values_only=True, max_col=columns)
            return _table("xlsx", _limited(records))
        except FileRefused:
            raise
        except Exception:  # noqa: BLE001
            raise FileRefused("Dit Excel-bestand is beschadigd en kan niet worden ingelezen.") from None
    finally:
        workbook.close()


def _limited(records: Iterator) -> Iterator:
    """Stop a sheet that declares a small dimension but holds (many) more rows."""
    for count, record in enumerate(records):
        if count > MAX_DATA_ROWS + 1_000:
            raise FileRefused(
                f"Dit werkblad heeft meer dan {MAX_DATA_ROWS} rijen. Splits het in kleinere bestanden."
            )
        yield record
