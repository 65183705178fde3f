"""The three public services' profiles (``scorecards.profile_defaults``). They are data: a performance
department edits them in the admin, and this migration only writes a profile whose code is not there yet."""

from django.db import migrations

from scorecards.profile_defaults import PROFILES


def seed(apps, schema_editor):
    Profile = apps.get_model("scorecards", "Profile")
    for spec in PROFILES:
        if not Profile.objects.filter(code=spec["code"]).exists():
            Profile.objects.create(**spec)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0003_country_profiles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
