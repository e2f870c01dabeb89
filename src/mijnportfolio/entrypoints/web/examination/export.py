"""The (filtered) Examenoverzicht as CSV (UTF-8 with BOM, ';', for Dutch Excel) and as XLSX.

One row per student, one column per exam with the status and attempt ('Behaald, poging 1'), a
summary below. Every text cell goes through ``neutralise_formula``.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mijnportfolio.application.examination.overview import Overview
from mijnportfolio.domain.examination.status import CellStatus
from mijnportfolio.domain.students import neutralise_formula

FILLS = {
    CellStatus.PASSED: "C6EFCE",
    CellStatus.FAILED: "FFC7CE",
    CellStatus.PLANNED: "D9D9D9",
    CellStatus.STARTED: "BDD7EE",
    CellStatus.PARTIALLY_PLANNED: "EDEDED",
    CellStatus.PARTIALLY_PLANNED_STARTED: "DDEBF7",
}


def _table(overview: Overview) -> list[list[str]]:
    header = ["Studentnummer", "Naam", "Cohort"] + [f"{e.code} {e.name}" for e in overview.exams]
    rows = [header]
    for row in overview.rows:
        student = row.student
        rows.append([student.student_number, student.display_name, student.cohort or ""] + [c.label for c in row.cells])
    return rows


def _safe(values: list[str]) -> list[str]:
    return [str(neutralise_formula(v)) for v in values]


def overview_csv(overview: Overview) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for values in _table(overview):
        writer.writerow(_safe(values))
    writer.writerow([])
    writer.writerow(["Totaal", overview.programme_label])
    for status, count in overview.summary:
        writer.writerow([status.label, str(count)])
    return out.getvalue().encode("utf-8-sig")


def overview_xlsx(overview: Overview) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Examenoverzicht"
    table = _table(overview)
    for values in table:
        sheet.append(_safe(values))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    fills = {status: PatternFill("solid", fgColor=color) for status, color in FILLS.items()}
    for row_index, row in enumerate(overview.rows, start=2):
        for column, cell in enumerate(row.cells, start=4):
            fill = fills.get(cell.status)
            if fill is not None:
                sheet.cell(row=row_index, column=column).fill = fill
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.data_type = "s"  # student numbers keep their leading zeros; nothing is a formula
    summary = workbook.create_sheet("Totaal")
    summary.append(_safe(["Status", "Aantal"]))
    for status, count in overview.summary:
        summary.append([status.label, count])
    widths = [14, 30, 10] + [24] * len(overview.exams)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
