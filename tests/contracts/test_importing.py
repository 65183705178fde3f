"""Bulk import of targets from CSV and XLSX: all rows or none, every problem reported by row and column."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from contracts.cycle import workflow
from contracts.documents import importing
from contracts.models import PerformanceContract, Target

HEADER = ["perspective", "objective", "indicator", "description", "unit", "direction", "baseline", "target",
          "weight", "excellent", "very_good", "good", "fair", "poor", "budget", "parent", "activities"]


def row(description, *, perspective="CM", indicator="Boreholes drilled and commissioned", weight="10",
        target="6", baseline="2", parent="Drill and commission 150 boreholes in ASAL counties",
        activities="Site visits; Supervise drilling", criteria=("", "", "", "", ""), **extra):
    values = {"perspective": perspective, "objective": "", "indicator": indicator, "description": description,
              "unit": "", "direction": "", "baseline": baseline, "target": target, "weight": weight,
              "excellent": criteria[0], "very_good": criteria[1], "good": criteria[2], "fair": criteria[3],
              "poor": criteria[4], "budget": "", "parent": parent, "activities": activities}
    values.update(extra)
    return [values[name] for name in HEADER]


def csv_file(rows, *, delimiter=",", bom=False, name="targets.csv"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_file(rows, name="targets.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append([_typed(v) for v in r])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _typed(value):
    """Numbers as numbers, the way a spreadsheet holds them."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@pytest.fixture
def plan(demo):
    """The officer's annual plan (a draft whose performer is ``officer``)."""
    return PerformanceContract.objects.get(officer=demo.officer)


def test_csv_import_adds_every_row(demo, plan):
    before = Target.objects.filter(contract=plan).count()
    upload = csv_file([
        row("Drill 6 more boreholes in Wajir", weight="5"),
        row("Write 4 survey reports for Mandera", indicator="Hydrogeological surveys completed", weight="2.5",
            parent="Complete hydrogeological surveys for 60 new borehole sites", activities="Field work\nReport"),
    ], bom=True)
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert result.ok, [str(e) for e in result.errors]
    assert result.count == 2
    assert Target.objects.filter(contract=plan).count() == before + 2
    first = Target.objects.get(contract=plan, description="Drill 6 more boreholes in Wajir")
    assert first.weight == Decimal(5) and first.unit == "boreholes" and first.direction == "higher"
    assert first.parent.description == "Drill and commission 150 boreholes in ASAL counties"
    assert first.activities == "Site visits\nSupervise drilling"
    second = Target.objects.get(contract=plan, description__startswith="Write 4 survey")
    assert second.weight == Decimal("2.5") and second.activities == "Field work\nReport"
    assert second.order > first.order


def draft_unit_contract(demo):
    """The water directorate's contract (criteria values required), back in target identification."""
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.DRAFT)
    return PerformanceContract.objects.get(pk=contract.pk)


def test_xlsx_import_with_criteria_budget_and_objective(demo):
    """A directorate contract (criteria values required) from a real workbook."""
    contract = draft_unit_contract(demo)
    before = Target.objects.filter(contract=contract).count()
    upload = xlsx_file([
        row("Drill 20 boreholes in Turkana", weight="5", target="20", baseline="10", parent="",
            criteria=("22", "20", "18", "16", "14"), budget="180000000", direction="higher",
            objective="Increase access to safe and reliable water"),
    ])
    result = importing.import_targets(demo.users["director"], contract, upload)
    assert result.ok, [str(e) for e in result.errors]
    target = Target.objects.get(contract=contract, description="Drill 20 boreholes in Turkana")
    assert target.criteria_excellent == 22 and target.criteria_poor == 14
    assert target.budget_allocated == Decimal(180_000_000)
    assert target.objective.name == "Increase access to safe and reliable water"
    assert Target.objects.filter(contract=contract).count() == before + 1


def test_semicolon_csv_with_decimal_commas(demo, plan):
    upload = csv_file([row("Drill 3 boreholes in Isiolo", weight="2,5", baseline="1 000")], delimiter=";")
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert result.ok, [str(e) for e in result.errors]
    target = Target.objects.get(contract=plan, description="Drill 3 boreholes in Isiolo")
    assert target.weight == Decimal("2.5") and target.baseline == Decimal(1000)


def test_three_bad_rows_are_all_reported_and_nothing_is_saved(demo, plan):
    before = Target.objects.filter(contract=plan).count()
    upload = csv_file([
        row("A good row"),
        row("Weight is words", weight="abc"),
        row("A good row too"),
        row("Unknown indicator", indicator="Rainfall measured"),
        row("Parent from nowhere", parent="No such target"),
    ])
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert messages == [
        "Row 3, weight: 'abc' is not a number",
        "Row 5, indicator: 'Rainfall measured' is not one of the institution's indicators; add it to the indicator "
        "list first or correct the name",
        f"Row 6, parent: 'No such target' is not a target of “{_unit_contract(demo).title}”",
    ]
    assert Target.objects.filter(contract=plan).count() == before


def _unit_contract(demo):
    return PerformanceContract.objects.get(institution=demo.water, level="unit")


def test_model_errors_from_add_target_are_mapped_to_rows_and_roll_everything_back(demo):
    """Criteria values running the wrong way pass the cell checks but not the model's: row 3 is reported,
    and row 2, already added inside the transaction, is rolled back."""
    contract = draft_unit_contract(demo)
    before = Target.objects.filter(contract=contract).count()
    upload = csv_file([
        row("Fine", parent="", criteria=("22", "20", "18", "16", "14")),
        row("Criteria upside down", parent="", criteria=("14", "16", "18", "20", "22")),
    ])
    result = importing.import_targets(demo.users["director"], contract, upload)
    assert [(e.row, e.column) for e in result.errors] == [(3, "excellent")]
    assert Target.objects.filter(contract=contract).count() == before
    assert not Target.objects.filter(description="Fine").exists()


def test_a_png_renamed_csv_is_refused(demo, plan):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
    result = importing.import_targets(demo.users["officer"], plan, SimpleUploadedFile("targets.csv", png))
    assert not result.ok
    assert "not text" in str(result.errors[0])  # a NUL byte among the first 4 KB
    assert result.errors[0].row is None


def test_a_zip_that_is_not_a_workbook_is_refused(demo, plan):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hello")
    result = importing.import_targets(demo.users["officer"], plan, SimpleUploadedFile("t.xlsx", out.getvalue()))
    assert not result.ok and "not an Excel workbook" in str(result.errors[0])


def test_too_many_rows_and_too_large_files_are_refused(demo, plan, settings):
    settings.TARGET_IMPORT_MAX_ROWS = 3
    before = Target.objects.filter(contract=plan).count()
    result = importing.import_targets(demo.users["officer"], plan, csv_file([row(f"Row {i}") for i in range(4)]))
    assert not result.ok and "more than 3 rows" in str(result.errors[0])
    settings.TARGET_IMPORT_MAX_BYTES = 100
    result = importing.import_targets(demo.users["officer"], plan, csv_file([row("One")]))
    assert not result.ok and "can be imported at once" in str(result.errors[0])
    assert Target.objects.filter(contract=plan).count() == before


def test_missing_and_unknown_columns(demo, plan):
    upload = SimpleUploadedFile("t.csv", b"perspective,indicator,description,wieght,target\nCM,x,y,1,2\n")
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert {(e.row, e.column) for e in result.errors} == {(1, "wieght"), (1, "weight")}


def test_someone_other_than_the_performer_is_refused(demo, plan):
    with pytest.raises(workflow.NotAllowed):
        importing.import_targets(demo.users["supervisor"], plan, csv_file([row("Sneaky")]))
    assert not Target.objects.filter(description="Sneaky").exists()


def test_a_contract_past_draft_is_refused(demo):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.SUBMITTED)
    contract.refresh_from_db()
    with pytest.raises(workflow.TransitionError):
        importing.import_targets(contract.performer, contract, csv_file([row("Late", parent="")]))
    assert not Target.objects.filter(description="Late").exists()


# ---------------------------------------------------------------------------------------------
# The page


def test_import_page_success_redirects_with_a_count(demo, plan, as_user):
    client = as_user(demo.users["officer"])
    url = reverse("contract-import", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'type="file"' in page.content and b"very_good" in page.content
    response = client.post(url, {"file": csv_file([row("From the page")])}, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    assert b"1 target imported." in response.content
    assert Target.objects.filter(contract=plan, description="From the page").exists()


def test_import_page_lists_row_errors_and_saves_nothing(demo, plan, as_user):
    client = as_user(demo.users["officer"])
    before = Target.objects.filter(contract=plan).count()
    response = client.post(reverse("contract-import", args=[plan.pk]),
                           {"file": csv_file([row("Bad", weight="abc"), row("Worse", target="lots")])})
    assert response.status_code == 400
    body = response.content.decode()
    assert "2 problems found" in body and "nothing was imported" in body
    assert "&#x27;abc&#x27; is not a number" in body and "&#x27;lots&#x27; is not a number" in body
    assert Target.objects.filter(contract=plan).count() == before
    assert "style=" not in body and "<script>" not in body


def test_import_page_for_others_explains_and_refuses_the_post(demo, plan, as_user):
    client = as_user(demo.users["supervisor"])
    url = reverse("contract-import", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"only by the performer" in page.content and b'type="file"' not in page.content
    assert client.post(url, {"file": csv_file([row("Sneaky")])}).status_code == 403
    assert not Target.objects.filter(description="Sneaky").exists()
    other = as_user(demo.users["officer2"])
    assert other.get(url).status_code == 404


def test_templates_download_and_read_back(demo, plan, as_user):
    client = as_user(demo.users["officer"])
    xlsx = client.get(reverse("contract-import-template-xlsx", args=[plan.pk]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == importing.COLUMN_NAMES and len(rows) == 1  # no example row to import by mistake
    text = client.get(reverse("contract-import-template-csv", args=[plan.pk])).content.decode("utf-8-sig")
    assert text.splitlines() == [",".join(importing.COLUMN_NAMES)]


def test_the_xlsx_template_offers_the_institutions_lists_and_keeps_the_example_in_its_guide(demo, plan, as_user):
    from scorecards.models import Indicator

    client = as_user(demo.users["officer"])
    workbook = load_workbook(io.BytesIO(client.get(reverse("contract-import-template-xlsx", args=[plan.pk])).content))
    sheet, guide, lists = workbook.worksheets
    indicators = sorted(Indicator.objects.filter(institution=plan.institution).values_list("name", flat=True))
    listed = [row[1] for row in lists.iter_rows(min_row=2, values_only=True) if row[1]]
    assert listed == indicators
    assert not Indicator.objects.exclude(institution=plan.institution).filter(name__in=listed).exclude(
        name__in=indicators).exists()
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    letter = {name: sheet.cell(row=1, column=i + 1).column_letter for i, name in enumerate(importing.COLUMN_NAMES)}
    assert validations[f"{letter['indicator']}2:{letter['indicator']}500"].endswith(f"$B$2:$B${len(indicators) + 1}")
    assert f"{letter['perspective']}2:{letter['perspective']}500" in validations
    assert validations[f"{letter['direction']}2:{letter['direction']}500"] == '"higher,lower"'
    examples = {row[0]: row[3] for row in guide.iter_rows(min_row=2, values_only=True)}
    assert examples["indicator"] == "Boreholes drilled and commissioned"


def test_an_old_templates_example_row_is_not_imported(demo, plan):
    example = [importing.EXAMPLE[name] for name in importing.COLUMN_NAMES]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importing.COLUMN_NAMES)
    writer.writerow(example)
    upload = SimpleUploadedFile("targets.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert not result.ok and "no targets" in str(result.errors[0])
    assert not Target.objects.filter(contract=plan, description=importing.EXAMPLE["description"]).exists()


def test_a_typo_gets_a_near_match_suggestion(demo, plan):
    upload = csv_file([row("Drill 3 boreholes", indicator="Borehole drilled and comissioned",
                           perspective="Core Mandat")])
    result = importing.import_targets(demo.users["officer"], plan, upload)
    messages = [str(e) for e in result.errors]
    assert any("Did you mean 'Boreholes drilled and commissioned'?" in m for m in messages), messages
    assert any("Did you mean 'Core Mandate'?" in m for m in messages), messages


def test_the_import_takes_quarterly_targets_and_phases_evenly_without_them(demo, plan):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER, "q1", "q2", "q3"])
    writer.writerow([*row("Drill 8 boreholes in Garissa", target="8", baseline="0"), "1", "3", "6"])
    writer.writerow([*row("Drill 4 boreholes in Isiolo", target="4", baseline="0"), "", "", ""])
    upload = SimpleUploadedFile("targets.csv", out.getvalue().encode("utf-8"), content_type="text/csv")
    result = importing.import_targets(demo.users["officer"], plan, upload)
    assert result.ok, [str(e) for e in result.errors]
    phased = Target.objects.get(contract=plan, description="Drill 8 boreholes in Garissa")
    assert phased.quarterly == [1, 3, 6, 8]
    even = Target.objects.get(contract=plan, description="Drill 4 boreholes in Isiolo")
    assert even.quarterly == [1, 2, 3, 4]
