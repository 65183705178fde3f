"""The contract list's order from an index: ``year_start`` copies the financial year's start date
(set by PerformanceContract.save and kept by FinancialYear saves), filled here for existing rows."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_year_start(apps, schema_editor):
    # One UPDATE with a correlated subquery: the same SQL on PostgreSQL and SQLite, no rows in Python.
    Contract = apps.get_model("contracts", "PerformanceContract")
    FinancialYear = apps.get_model("pmis", "FinancialYear")
    start = FinancialYear.objects.filter(pk=OuterRef("financial_year_id")).values("start_date")[:1]
    Contract.objects.using(schema_editor.connection.alias).update(year_start=Subquery(start))


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0003_monitoring"),
        ("pmis", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="performancecontract",
            name="year_start",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="year start"),
        ),
        migrations.RunPython(copy_year_start, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="performancecontract",
            name="year_start",
            field=models.DateField(blank=True, editable=False, verbose_name="year start"),
        ),
        migrations.AlterModelOptions(
            name="performancecontract",
            options={"ordering": ["-year_start", "level", "title", "pk"], "verbose_name": "performance contract",
                     "verbose_name_plural": "performance contracts"},
        ),
        migrations.AddIndex(
            model_name="performancecontract",
            index=models.Index(fields=["-year_start", "level", "title", "id"], name="contract_list_order"),
        ),
        migrations.AddIndex(
            model_name="performancecontract",
            index=models.Index(fields=["institution", "-year_start", "level", "title", "id"],
                               name="contract_list_in_institution"),
        ),
    ]
