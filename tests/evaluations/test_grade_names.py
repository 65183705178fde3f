"""The evaluation moderation panel names grades in the reader's language."""

from django.urls import reverse

from evaluations.models import Evaluation


def test_the_panel_shows_swahili_grade_names(demo, client, ministry):
    Evaluation.objects.filter(contract=ministry).update(state="concluded", composite="2.1234", grade="Excellent")
    year = Evaluation.objects.get(contract=ministry).year_start
    client.force_login(demo.users["perfdept"])
    client.cookies["django_language"] = "sw"
    page = client.get(reverse("evaluation-panel"), {"year": year}).content.decode()
    assert "Bora kabisa 1" in page and "<td>Bora kabisa</td>" in page
    assert "Excellent" not in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("evaluation-panel"), {"year": year}).content.decode()
    assert "Excellent 1" in page and "<td>Excellent</td>" in page
