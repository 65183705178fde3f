"""The moderation page and the rewards-and-sanctions table name grades in the reader's language, while the
form still posts the grade as stored."""

import pytest
from django.urls import reverse

from appraisals.models import ModerationSession
from tests.appraisals.helpers import demo_appraisal, to_acknowledged, user

pytestmark = pytest.mark.django_db


def swahili(client):
    client.cookies["django_language"] = "sw"
    return client


def test_moderation_shows_grades_in_swahili_and_posts_them_in_english(demo, client):
    appraisal = to_acknowledged(demo_appraisal())  # composite 50: Poor
    session = ModerationSession.objects.get(institution=demo.water, org_unit=None, status="open")
    client.force_login(user("secretariat"))
    page = swahili(client).get(session.get_absolute_url()).content.decode()
    assert "Dhaifu" in page and "Vizuri sana" in page and "Bora kabisa" in page
    # The options keep the stored grade as their value and show its Swahili name.
    assert '<option value="Very Good">Vizuri sana</option>' in page
    assert ">Poor<" not in page and ">Very Good<" not in page
    response = client.post(reverse("appraisals:moderation-adjust", args=[session.pk]),
                           {"appraisal": appraisal.pk, "to_grade": "Fair", "reason": "Calibrated."})
    assert response.status_code == 302
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Dhaifu → Wastani" in page
    client.cookies["django_language"] = "en"
    assert "Poor → Fair" in client.get(session.get_absolute_url()).content.decode()


def test_the_rewards_and_sanctions_table_names_grades_in_swahili(demo, client):
    client.force_login(user("secretariat"))
    page = swahili(client).get(reverse("appraisals:outcomes")).content.decode()
    assert "<td>Bora kabisa</td>" in page and "<td>Vizuri sana</td>" in page
    assert "<td>Excellent</td>" not in page
    client.cookies["django_language"] = "en"
    assert "<td>Excellent</td>" in client.get(reverse("appraisals:outcomes")).content.decode()
