"""The responses to a questionnaire as CSV (for Dutch Excel: UTF-8 with BOM, ';') and as XLSX.

Every cell goes through ``neutralise_formula``: an answer typed as '=...' must never run as a
formula in the spreadsheet of whoever opens the export.
"""

from __future__ import annotations

import csv
import io
from typing import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mijnportfolio.domain.students import neutralise_formula

SHEET_TITLE_MAX = 31  # Excel's limit for a sheet name
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _safe(values: Sequence[str]) -> list[object]:
    return [neutralise_formula(v) for v in values]


def responses_csv(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_safe(headers))
    for row in rows:
        writer.writerow(_safe(row))
    return out.getvalue().encode("utf-8-sig")


def responses_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title.translate(_SHEET_FORBIDDEN).strip() or "Antwoorden")[:SHEET_TITLE_MAX]
    sheet.append(_safe(headers))
    for row in rows:
        sheet.append(_safe(row))
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        width = max([len(header)] + [len(str(c.value or "")) for c in sheet[letter][1:200]])
        sheet.column_dimensions[letter].width = min(60, width + 2)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            cell.data_type = "s"  # text, never a formula (student numbers keep their zeros)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
