"""Numbers, dates and financial years written one way per language."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import formats, translation

from contracts.forms import TargetForm
from contracts.models import Target
from pmis import numbers


def test_numbers_grouped_in_both_languages_without_trailing_zeros():
    for language in ("en", "sw"):
        with translation.override(language):
            assert numbers.grouped(Decimal("500000.0000")) == "500,000"
            assert numbers.grouped(22000) == "22,000"
            assert numbers.grouped(Decimal("95.5000")) == "95.5"
            assert numbers.grouped(Decimal("2.4563"), 2) == "2.46"
            template = Template("{% load formats %}{{ v|num }} {{ y|fy }}")
            html = template.render(Context({"v": "2000000.0000", "y": 2026}))
            assert html == "2,000,000 2026/27"


def test_csv_cells_and_form_inputs_as_people_write_them():
    assert numbers.spreadsheet_value(1800000000.0) == 1800000000
    assert numbers.spreadsheet_value(Decimal("2.5000")) == 2.5
    assert numbers.plain(Decimal("80.0000")) == "80"


def test_one_date_format_per_language():
    day = datetime.datetime(2026, 12, 6, 14, 3)
    with translation.override("en"):
        assert formats.date_format(day, "DATETIME_FORMAT") == "6 Dec 2026, 14:03"
    with translation.override("sw"):
        assert formats.date_format(day, "DATETIME_FORMAT") == "6 Disemba 2026, 14:03"


def test_target_form_prefills_without_trailing_zeros(demo):
    target = Target.objects.filter(contract__institution=demo.water, weight__gt=0).first()
    target.weight = Decimal("80.0000")
    html = str(TargetForm(instance=target, contract=target.contract)["weight"])
    assert 'value="80"' in html
