"""The band tables already stored get their grades in Swahili (``grade_sw``) where the grade is a seeded
name; contracts keep the bands they were signed with (their fingerprint covers them)."""

from django.db import migrations

SWAHILI = {
    "Outstanding": "Bora zaidi", "Excellent": "Bora kabisa", "Very Good": "Vizuri sana", "Very good": "Vizuri sana",
    "Good": "Vizuri", "Satisfactory": "Inaridhisha", "Fair": "Wastani", "Poor": "Dhaifu",
}


def forwards(apps, schema_editor):
    BandTable = apps.get_model("scorecards", "BandTable")
    for table in BandTable.objects.all().iterator():
        bands = [band if not isinstance(band, dict) or band.get("grade_sw") or band.get("grade") not in SWAHILI
                 else {**band, "grade_sw": SWAHILI[band["grade"]]} for band in table.bands or []]
        if bands != table.bands:
            BandTable.objects.filter(pk=table.pk).update(bands=bands)


def backwards(apps, schema_editor):
    BandTable = apps.get_model("scorecards", "BandTable")
    for table in BandTable.objects.all().iterator():
        bands = [{k: v for k, v in band.items() if k != "grade_sw"} if isinstance(band, dict) else band
                 for band in table.bands or []]
        if bands != table.bands:
            BandTable.objects.filter(pk=table.pk).update(bands=bands)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0002_contract_scores")]

    operations = [migrations.RunPython(forwards, backwards)]
