"""The student list as CSV (for Dutch Excel: UTF-8 with BOM, ';') and as XLSX (openpyxl).

Every text cell goes through ``neutralise_formula``: a value typed as '=...' must never run as a
formula in the spreadsheet of whoever opens the export.
"""

from __future__ import annotations

import csv
import io
from typing import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mijnportfolio.application.ports.students import StudentRow
from mijnportfolio.domain.students import neutralise_formula

HEADERS = (
    "Studentnummer", "Naam", "E-mailadres", "Opleiding", "Praktijkbegeleider", "Praktijkopleider",
    "Cohort", "Deelnemergroepen", "Organisatie", "Actief",
)


def _values(row: StudentRow) -> list[str]:
    return [
        row.student_number,
        row.display_name,
        row.email,
        row.programme_name,
        row.supervisor_name,
        row.trainer_name or "",
        row.cohort or "",
        ", ".join(row.groups),
        row.organisation_name,
        "ja" if row.active else "nee",
    ]


def _safe(values: list[str]) -> list[str]:
    return [neutralise_formula(v) for v in values]  # type: ignore[misc]


def students_csv(rows: Sequence[StudentRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(_safe(_values(row)))
    return out.getvalue().encode("utf-8-sig")


def students_xlsx(rows: Sequence[StudentRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Studenten"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(_safe(_values(row)))
    for index, header in enumerate(HEADERS, start=1):
        # Student numbers stay text (leading zeros) and every cell is a string, never a formula.
        width = max([len(header)] + [len(str(c.value or "")) for c in sheet[get_column_letter(index)][1:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
