"""The (filtered) Examenoverzicht as CSV (UTF-8 with BOM, ';', for Dutch Excel) and as XLSX.

One row per student, one column per exam with the status and attempt ('Behaald, poging 1'), a
summary below. Every text cell goes through ``neutralise_formula``.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
    """Written row by row (openpyxl's write-only mode): the whole programme at once stays quick."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Examenoverzicht")
    widths = [14, 30, 10] + [24] * len(overview.exams)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "D2"
    bold = Font(bold=True)
    fills = {status: PatternFill("solid", fgColor=color) for status, color in FILLS.items()}
    header, *rows = _table(overview)
    sheet.append([_text(sheet, value, font=bold) for value in _safe(header)])
    for values, row in zip(rows, overview.rows):
        safe = _safe(values)
        sheet.append(
            [_text(sheet, value) for value in safe[:3]]
            + [_text(sheet, value, fill=fills.get(c.status)) for value, c in zip(safe[3:], row.cells)]
        )
    summary = workbook.create_sheet("Totaal")
    summary.append(_safe(["Status", "Aantal"]))
    for status, count in overview.summary:
        summary.append([status.label, count])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(sheet, value: str, *, font: Font | None = None, fill: PatternFill | None = None) -> WriteOnlyCell:
    """A cell that is text whatever it looks like: student numbers keep their leading zeros and
    nothing is a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell
