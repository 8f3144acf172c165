"""The yearly report as an XLSX workbook for the ward's report: one sheet per table, with
the same hidden cells as the page (「5未満」, 「＊」 as text, never the number)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..schedules import TOKYO
from .report import legend

HEADER_FILL = PatternFill("solid", fgColor="DDEBEB")
BOLD = Font(bold=True)
SHEET_NAME_LIMIT = 31


def _value(cell):
    return cell.text if cell.hidden or cell.value is None else cell.value


def workbook_bytes(report, now=None):
    now = now or timezone.now()
    book = Workbook()
    book.remove(book.active)
    for table in report.tables:
        sheet = book.create_sheet(str(table.title)[:SHEET_NAME_LIMIT])
        sheet.append([f"{report.label} {table.title}"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([report.scope_label])
        created = now.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")
        sheet.append([_("Made on %(when)s from the anonymous counters.") % {"when": created}])
        sheet.append([legend()])
        if table.note:
            sheet.append([str(table.note)])
        sheet.append([])
        header = ["", *[str(c) for c in table.columns]]
        sheet.append(header)
        for column in range(1, len(header) + 1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.font, cell.fill = BOLD, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            if row.heading:
                sheet.append([row.label])
                sheet.cell(row=sheet.max_row, column=1).font = BOLD
                continue
            sheet.append([row.label, *[_value(c) for c in row.cells]])
            for index, cell in enumerate(row.cells, start=2):
                target = sheet.cell(row=sheet.max_row, column=index)
                target.alignment = Alignment(horizontal="right")
                if cell.kind == "rate" and not cell.hidden and cell.value is not None:
                    target.number_format = "0.0%"
                elif not cell.hidden:
                    target.number_format = "#,##0"
            if row.total:
                for column in range(1, len(row.cells) + 2):
                    sheet.cell(row=sheet.max_row, column=column).font = BOLD
        sheet.column_dimensions["A"].width = 28
        for column in range(2, len(header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
