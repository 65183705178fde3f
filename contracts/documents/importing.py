"""Bulk import of a draft contract's targets from CSV or XLSX.

The file is read by its content, not its name: an XLSX workbook is a zip (``PK\\x03\\x04``);
anything else must be CSV text in UTF-8 (with or without a byte-order mark), separated by commas
or semicolons. The first row names the columns (``COLUMNS``); every following row is one target.

Every row is checked and every problem reported with its row number and column
("Row 4, weight: 'abc' is not a number"). Targets are then added one by one through
``contracts.cycle.targets.add_target`` — the one writer, with its permission, model and cascade checks —
inside one transaction that is rolled back when any row failed: a file is imported whole or not
at all.
"""

import datetime
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmis import spreadsheets
from scorecards.models import Direction, Indicator, Perspective, StrategicObjective

from ..cycle import cascade
from ..cycle import targets as writes
from ..models import Target
from .uploads import FileProblem, _too_many, read_rows


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the header must have it and every row must fill it
    help: str
    example: str


COLUMNS = [
    Column("perspective", True, gettext_lazy("Perspective / criteria category: its code (e.g. FS) or its name."),
           "CM"),
    Column("objective", False, gettext_lazy("Strategic objective, by name (optional)."), ""),
    Column("indicator", True, gettext_lazy("Indicator name; it must already exist in the institution's indicators."),
           "Boreholes drilled and commissioned"),
    Column("description", True, gettext_lazy("What will be delivered (up to 500 characters)."),
           "Drill and commission 20 boreholes in Turkana"),
    Column("unit", False, gettext_lazy("Unit of measure (optional; defaults to the indicator's)."), "boreholes"),
    Column("direction", False, gettext_lazy("higher or lower: which way is better (optional; defaults to the "
                                            "indicator's)."), "higher"),
    Column("baseline", False, gettext_lazy("Last year's result (a number; may be blank)."), "12"),
    Column("target", True, gettext_lazy("The target value (a number)."), "20"),
    Column("weight", True, gettext_lazy("Weight in percent, 0 to 100."), "25"),
    Column("excellent", False, gettext_lazy("Criteria value for Excellent (a number)."), "22"),
    Column("very_good", False, gettext_lazy("Criteria value for Very good."), "20"),
    Column("good", False, gettext_lazy("Criteria value for Good."), "18"),
    Column("fair", False, gettext_lazy("Criteria value for Fair."), "16"),
    Column("poor", False, gettext_lazy("Criteria value for Poor."), "14"),
    Column("budget", False, gettext_lazy("Budget allocated (optional)."), "180000000"),
    Column("q1", False, gettext_lazy("Value expected by the end of quarter 1, cumulative (optional; blank: an even "
                                     "share of the way from the baseline)."), "14"),
    Column("q2", False, gettext_lazy("Value expected by the end of quarter 2, cumulative (optional)."), "16"),
    Column("q3", False, gettext_lazy("Value expected by the end of quarter 3, cumulative (optional)."), "18"),
    Column("expected_date", False, gettext_lazy("Milestone targets only: the date the milestone is expected by, "
                                                "YYYY-MM-DD (optional; blank: the target's own day of the year)."),
           ""),
    Column("parent", False, gettext_lazy("Parent target in the contract above: its description or id (optional)."),
           ""),
    Column("activities", False, gettext_lazy("Activities, separated by ';' or new lines (optional)."),
           "Site surveys; Tender drilling; Commission and hand over"),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED = {c.name for c in COLUMNS if c.required}
# Headers people write, mapped to the column they mean.
ALIASES = {
    "perspective_code": "perspective", "criteria_category": "perspective", "category": "perspective",
    "strategic_objective": "objective", "indicator_name": "indicator", "target_description": "description",
    "unit_of_measure": "unit", "target_value": "target", "weight_%": "weight", "weight_(%)": "weight",
    "criteria_excellent": "excellent", "criteria_very_good": "very_good", "verygood": "very_good",
    "criteria_good": "good", "criteria_fair": "fair", "criteria_poor": "poor", "budget_allocated": "budget",
    "parent_target": "parent", "activity": "activities", "expected_q1": "q1", "expected_q2": "q2",
    "expected_q3": "q3", "quarter_1": "q1", "quarter_2": "q2", "quarter_3": "q3",
    "milestone_date": "expected_date", "milestone_expected_by": "expected_date", "expected_by": "expected_date",
}
NUMBER_COLUMNS = {"baseline": "baseline", "target": "target_value", "weight": "weight",
                  "excellent": "criteria_excellent", "very_good": "criteria_very_good", "good": "criteria_good",
                  "fair": "criteria_fair", "poor": "criteria_poor", "budget": "budget_allocated",
                  "q1": "expected_q1", "q2": "expected_q2", "q3": "expected_q3"}
# Model field → the column a user sees, to map add_target's errors back to the file.
FIELD_COLUMNS = {field_name: column for column, field_name in NUMBER_COLUMNS.items()} | {
    "perspective": "perspective", "objective": "objective", "indicator": "indicator",
    "description": "description", "unit": "unit", "direction": "direction", "parent": "parent",
    "activities": "activities", "expected_date": "expected_date",
}


@dataclass
class RowError:
    row: int | None  # the spreadsheet row (the header is row 1); None for the file as a whole
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def count(self):
        return len(self.created)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(raw):
    names = []
    for value in raw:
        name = re.sub(r"[\s\-]+", "_", _cell(value).lower()).strip("_")
        names.append(ALIASES.get(name, name))
    return names


# ---------------------------------------------------------------------------------------------
# Checking the rows


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text):
    """A Decimal from what people type in a sheet: 1,500 · 1500.5 · 12,5 · 95% · KES 1 000 (None: blank)."""
    text = text.replace("\u00a0", " ").strip()
    if not text:
        return None
    cleaned = text.removesuffix("%").strip()
    cleaned = re.sub(r"^[A-Za-z]{3}\s*", "", cleaned)  # a currency code in front
    cleaned = cleaned.replace(" ", "").replace("_", "")
    if THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text)
    if not number.is_finite():
        raise ValueError(text)
    return number


class Lookups:
    """The names a row may refer to, loaded once for the whole file."""

    def __init__(self, contract):
        year_id = contract.financial_year_id
        self.perspectives = {}
        for p in Perspective.objects.filter(financial_year_id=year_id):
            self.perspectives[p.code.lower()] = p
            self.perspectives[p.name.lower()] = p
        self.objectives = {}
        for o in StrategicObjective.objects.filter(perspective__financial_year_id=year_id):
            self.objectives.setdefault(o.name.lower(), []).append(o)
        self.indicators = {i.name.lower(): i for i in Indicator.objects.filter(institution_id=contract.institution_id)}
        # As people see them, for "Did you mean …?" and the template's drop-down lists.
        self.perspective_names = sorted({p.name for p in self.perspectives.values()} | {
            p.code for p in self.perspectives.values() if p.code})
        self.objective_names = sorted({o.name for found in self.objectives.values() for o in found})
        self.indicator_names = sorted(i.name for i in self.indicators.values())
        parent_contract = cascade.expected_parent_contract(contract, cascade.year_contracts(year_id))
        self.parent_contract = parent_contract
        self.parents_by_description, self.parents_by_id = {}, {}
        if parent_contract is not None:
            for t in Target.objects.filter(contract=parent_contract):
                self.parents_by_description.setdefault(t.description.strip().lower(), []).append(t)
                self.parents_by_id[t.pk] = t


def near(name, choices):
    """A "Did you mean …?" for a name close to one of ``choices`` (difflib), else an empty string."""
    found = difflib.get_close_matches(name.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not found:
        return ""
    original = next(c for c in choices if c.lower() == found[0])
    return " " + _("Did you mean '%(match)s'?") % {"match": original}


def check_row(number, values, lookups, errors):
    """The add_target fields of one row; appends a RowError for every problem found."""
    fields = {}

    def error(column, message):
        errors.append(RowError(number, column, message))

    for column in REQUIRED:
        if not values.get(column):
            error(column, _("this column is required and the cell is empty"))

    if name := values.get("perspective"):
        found = lookups.perspectives.get(name.lower())
        if found is None:
            error("perspective", _("'%(value)s' is not a perspective or criteria category of this year") % {
                "value": name} + near(name, lookups.perspective_names))
        fields["perspective"] = found
    if name := values.get("objective"):
        candidates = lookups.objectives.get(name.lower(), [])
        perspective = fields.get("perspective")
        matching = [o for o in candidates if perspective is None or o.perspective_id == perspective.pk]
        if not candidates:
            error("objective", _("'%(value)s' is not a strategic objective of this year") % {"value": name}
                  + near(name, lookups.objective_names))
        elif not matching:
            error("objective", _("'%(value)s' sits under another perspective") % {"value": name})
        else:
            fields["objective"] = matching[0]
    if name := values.get("indicator"):
        found = lookups.indicators.get(name.lower())
        if found is None:
            error("indicator", _("'%(value)s' is not one of the institution's indicators; add it to the indicator "
                                 "list first or correct the name") % {"value": name}
                  + near(name, lookups.indicator_names))
        else:
            fields["indicator"] = found
    if description := values.get("description"):
        if len(description) > 500:
            error("description", _("is %(n)s characters long; at most 500 are allowed") % {"n": len(description)})
        fields["description"] = description
    if unit := values.get("unit"):
        if len(unit) > 64:
            error("unit", _("is longer than 64 characters"))
        fields["unit"] = unit
    if direction := values.get("direction"):
        key = direction.lower().split()[0]
        if key not in Direction.values:
            error("direction", _("'%(value)s' must be 'higher' or 'lower'") % {"value": direction})
        else:
            fields["direction"] = key
    for column, field_name in NUMBER_COLUMNS.items():
        text = values.get(column, "")
        try:
            value = parse_number(text)
        except ValueError:
            error(column, _("'%(value)s' is not a number") % {"value": text})
            continue
        if value is not None:
            fields[field_name] = value
    if text := values.get("expected_date", ""):
        try:
            fields["expected_date"] = datetime.date.fromisoformat(text[:10])
        except ValueError:
            error("expected_date", _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": text})
    if "weight" in fields and not (0 <= fields["weight"] <= 100):
        error("weight", _("'%(value)s' must be between 0 and 100") % {"value": values["weight"]})
    if reference := values.get("parent"):
        parent = None
        if reference.isdigit():
            parent = lookups.parents_by_id.get(int(reference))
        if parent is None:
            same = lookups.parents_by_description.get(reference.strip().lower(), [])
            if len(same) > 1:
                error("parent", _("'%(value)s' matches %(n)s targets; give the parent target's id instead") % {
                    "value": reference, "n": len(same)})
            parent = same[0] if len(same) == 1 else None
        if parent is None and not any(e.row == number and e.column == "parent" for e in errors):
            if lookups.parent_contract is None:
                error("parent", _("there is no contract above this one to cascade from"))
            else:
                error("parent", _("'%(value)s' is not a target of “%(contract)s”") % {
                    "value": reference, "contract": lookups.parent_contract.title})
        fields["parent"] = parent
    if activities := values.get("activities"):
        lines = [a.strip() for a in re.split(r"[;\n]", activities) if a.strip()]
        fields["activities"] = "\n".join(lines)
    return fields


def _messages(exc: ValidationError):
    """(column, message) pairs from add_target's ValidationError."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else FIELD_COLUMNS.get(name, name)
            for message in errors:
                yield column, message
    else:
        for message in exc.messages:
            yield "", message


# ---------------------------------------------------------------------------------------------
# The import


def import_targets(actor, contract, uploaded_file) -> ImportResult:
    """Add every row of ``uploaded_file`` as a target of ``contract``, or none of them.

    Raises ``workflow.NotAllowed`` / ``TransitionError`` when ``actor`` may not edit the contract's
    targets; problems with the file or its rows come back in ``ImportResult.errors``.
    """
    writes.check_editable(actor, contract)
    result = ImportResult()
    try:
        rows = read_rows(uploaded_file)
    except FileProblem as problem:
        result.errors.append(RowError(None, "", str(problem)))
        return result
    if not rows or not any(_cell(v) for v in rows[0]):
        result.errors.append(RowError(None, "", _("The first row must name the columns; it is empty.")))
        return result
    header = _header(rows[0])
    unknown = [name for name in header if name and name not in COLUMN_NAMES]
    missing = [name for name in COLUMN_NAMES if name in REQUIRED and name not in header]
    for name in unknown:
        result.errors.append(RowError(1, name, _("unknown column; the columns are: %(columns)s") % {
            "columns": ", ".join(COLUMN_NAMES)}))
    for name in missing:
        result.errors.append(RowError(1, name, _("this column is missing from the first row")))
    if result.errors:
        return result

    body = []
    for number, raw in enumerate(rows[1:], start=2):
        values = {name: _cell(value) for name, value in zip(header, raw, strict=False) if name}
        if any(values.values()) and not is_example(values):
            body.append((number, values))
    if len(body) > settings.TARGET_IMPORT_MAX_ROWS:
        result.errors.append(RowError(None, "", str(_too_many(len(body)))))
        return result
    if not body:
        result.errors.append(RowError(None, "", _("The file has a header row but no targets under it.")))
        return result
    result.rows = len(body)

    lookups = Lookups(contract)
    checked = [(number, check_row(number, values, lookups, result.errors)) for number, values in body]
    if result.errors:
        return result

    with transaction.atomic():
        start = (Target.objects.filter(contract=contract).aggregate(m=Max("order"))["m"] or 0) + 1
        for offset, (number, fields) in enumerate(checked):
            try:
                with transaction.atomic():
                    target = writes.add_target(actor, contract, order=start + offset, **fields)
            except ValidationError as exc:
                for column, message in _messages(exc):
                    result.errors.append(RowError(number, column, message))
                continue
            result.created.append(target)
        if result.errors:
            transaction.set_rollback(True)
            result.created = []
    return result


# ---------------------------------------------------------------------------------------------
# The template people fill in


EXAMPLE = {c.name: c.example for c in COLUMNS}


def is_example(values) -> bool:
    """The example row older templates carried (the guide sheet holds it now): never imported."""
    return all(values.get(name, "") == example for name, example in EXAMPLE.items() if example)


def template_rows():
    """The header alone: the example lives in the guide, so nothing in the template is imported by mistake."""
    return [COLUMN_NAMES]


def template_csv() -> bytes:
    out = io.StringIO()
    spreadsheets.CsvWriter(out).writerows(template_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


ROWS_WITH_LISTS = 500  # the rows of the template whose cells offer the drop-down lists


def template_xlsx(contract=None) -> bytes:
    """The workbook to fill in: a header row, drop-down lists (data validation) of the contract's
    perspectives and indicators and of the directions, and a guide sheet with an example per column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Targets"))
    for row in template_rows():
        spreadsheets.append(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B3D2E")
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(48, len(column.example) + 4))
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(str(_("Column guide")))
    spreadsheets.write_table(guide, [str(_("Column")), str(_("Required")), str(_("What to write")),
                                     str(_("Example"))], [])
    for column in COLUMNS:
        spreadsheets.append(guide, [column.name, str(_("yes")) if column.required else "", str(column.help),
                                    column.example])
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["C"].width = 90
    guide.column_dimensions["D"].width = 40
    if contract is not None:
        _drop_downs(workbook, sheet, Lookups(contract), DataValidation)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _drop_downs(workbook, sheet, lookups, DataValidation):
    lists = workbook.create_sheet(str(_("Lists")))
    columns = {"perspective": lookups.perspective_names, "indicator": lookups.indicator_names,
               "objective": lookups.objective_names}
    for index, (name, values) in enumerate(columns.items(), start=1):
        lists.cell(row=1, column=index, value=name)
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=index, value=spreadsheets.safe_cell(value))
        if not values:
            continue
        source = lists.cell(row=1, column=index).column_letter
        target = sheet.cell(row=1, column=COLUMN_NAMES.index(name) + 1).column_letter
        check = DataValidation(type="list", formula1=f"='{lists.title}'!${source}$2:${source}${len(values) + 1}",
                               allow_blank=name == "objective", showErrorMessage=True,
                               errorTitle=str(_("Not in the list")),
                               error=str(_("Choose one of the institution's values from the list.")))
        check.add(f"{target}2:{target}{ROWS_WITH_LISTS}")
        sheet.add_data_validation(check)
    letter = sheet.cell(row=1, column=COLUMN_NAMES.index("direction") + 1).column_letter
    direction = DataValidation(type="list", formula1='"higher,lower"', allow_blank=True)
    direction.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
    sheet.add_data_validation(direction)
