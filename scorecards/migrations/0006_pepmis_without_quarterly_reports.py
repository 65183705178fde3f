"""PEPMIS has no quarterly progress reports (officers log weeks, supervisors mark sub-tasks): the Tanzanian
profile as first seeded said it had. Only a profile still as seeded is changed; an edited one is data."""

from django.db import migrations


def turn_off(apps, schema_editor):
    Profile = apps.get_model("scorecards", "Profile")
    Profile.objects.filter(code="tz-pepmis", quarterly_reports=True, weekly_log=True).update(quarterly_reports=False)


def turn_on(apps, schema_editor):
    Profile = apps.get_model("scorecards", "Profile")
    Profile.objects.filter(code="tz-pepmis").update(quarterly_reports=True)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0005_merge_grades_and_profiles")]

    operations = [migrations.RunPython(turn_off, turn_on)]
