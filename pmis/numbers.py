"""Numbers and financial years as people write them, in one place: forms prefilled with "80" rather than
"80.0000", pages and exports with "500,000" (grouped per language), years as "2026/27"."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format


def _decimal(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain(value):
    """A stored quantity without trailing zeros or exponent ("80.0000" → "80", 1.8e9 → "1800000000")."""
    number = _decimal(value)
    if number is None:
        return value
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def grouped(value, places=None):
    """A number for reading, grouped by the active language's separator ("500,000"; "2.46" with places=2)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else value
    if places is None:
        places = 0 if number == number.to_integral_value() else len(plain(number).split(".")[1])
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def spreadsheet_value(value):
    """A number cell for CSV: an int when whole, otherwise the shortest decimal (never ``1800000000.0``)."""
    number = _decimal(value) if isinstance(value, (float, Decimal)) else None
    if number is None:
        return value
    return int(number) if number == number.to_integral_value() else float(plain(number))


def financial_year(start_year, start_month=7) -> str:
    """The one way a financial year is written: "2026/27" (a calendar year when it starts in January)."""
    from .models import FinancialYear

    return FinancialYear.label_for(int(start_year), start_month)


def plain_decimal_inputs(form):
    """Prefill every decimal field of ``form`` as people write the number ("80", not "80.0000")."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.prepare_value = plain
    return form
