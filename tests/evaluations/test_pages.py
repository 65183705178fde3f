"""The evaluation pages (issue 28): the self-evaluation form, the evaluator's page, the moderation panel and
release, and the public results without login; nothing unreleased is public, ids of other institutions
answer 404, queries stay bounded."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from evaluations import independent, release
from evaluations.models import Achievement, Evaluation
from pmis import access, twofactor

from .conftest import PASSWORD, form_values


def test_the_head_fills_the_one_form_and_a_bad_figure_keeps_everything_typed(demo, client, draft):
    client.force_login(demo.users["head"])
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    first = draft.achievements.order_by("pk").first()
    assert f'name="actual-{first.pk}"' in page.content.decode()
    bad = form_values(draft, **{f"actual-{first.pk}": "twelve", f"evidence-{first.pk}": "Kept text"})
    response = client.post(reverse("evaluation-save", args=[draft.pk]), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "twelve" in body and "Kept text" in body and 'aria-invalid="true"' in body
    assert client.post(reverse("evaluation-save", args=[draft.pk]), form_values(draft)).status_code == 302
    assert Achievement.objects.get(pk=first.pk).self_actual == first.target.target_value


def test_the_head_signs_with_password_and_code_and_a_wrong_one_changes_nothing(demo, client, draft):
    head = demo.users["head"]
    client.force_login(head)
    client.post(reverse("evaluation-save", args=[draft.pk]), form_values(draft))
    wrong = client.post(reverse("evaluation-sign", args=[draft.pk]),
                        {"password": "nope", "code": "123456", "confirm": "on"})
    assert wrong.status_code == 400 and Evaluation.objects.get(pk=draft.pk).state == "draft"
    TOTPDevice.objects.filter(user=head).update(last_t=-1)
    done = client.post(reverse("evaluation-sign", args=[draft.pk]),
                       {"password": PASSWORD, "code": twofactor.current_code(head), "confirm": "on"})
    assert done.status_code == 302, done.content.decode()[done.content.decode().find("role=\"alert\""):][:600]
    signed = Evaluation.objects.get(pk=draft.pk)
    assert signed.state == "submitted" and signed.signed_by == head and signed.second_factor


def test_only_the_head_is_offered_the_signature(demo, client, draft):
    client.force_login(demo.users["secretariat"])
    body = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("evaluation-sign", args=[draft.pk]) not in body
    assert reverse("evaluation-save", args=[draft.pk]) in body  # the performance officer prepares it


@pytest.fixture
def submitted(draft):
    Evaluation.objects.filter(pk=draft.pk).update(state="submitted")
    draft.refresh_from_db()
    return draft


def test_the_assigned_evaluator_confirms_and_adjusts_and_others_get_404(demo, client, submitted, evaluator):
    client.force_login(evaluator)
    page = client.get(submitted.get_absolute_url())
    assert page.status_code == 200 and reverse("evaluation-assess", args=[submitted.pk]) in page.content.decode()
    a = submitted.achievements.order_by("pk").first()
    no_reason = client.post(reverse("evaluation-assess", args=[submitted.pk]),
                            {"achievement": a.pk, "value": "1", "reason": ""})
    assert no_reason.status_code == 302 and Achievement.objects.get(pk=a.pk).evaluated_at is None
    client.post(reverse("evaluation-assess", args=[submitted.pk]),
                {"achievement": a.pk, "value": "1", "reason": "Site records show one."})
    assert Achievement.objects.get(pk=a.pk).evaluated_actual == 1
    client.post(reverse("evaluation-verify", args=[submitted.pk]),
                {"achievement": a.pk, "visited_on": "2027-07-01", "place": "Garissa", "finding": "Seen."})
    assert a.verifications.count() == 1
    # Another institution's achievement through this evaluation's URL, and another evaluation: 404.
    foreign = Achievement.objects.filter(institution=demo.machakos).first()
    assert client.post(reverse("evaluation-assess", args=[submitted.pk]),
                       {"achievement": foreign.pk, "value": "1", "reason": "x"}).status_code == 404
    county = Evaluation.objects.get(institution=demo.machakos, financial_year__is_current=True)
    assert client.get(county.get_absolute_url()).status_code == 404
    independent.unassign(demo.users["perfdept"], demo.water, evaluator)
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_an_evaluator_sees_the_institution_through_the_access_module(demo, evaluator):
    seen = access.of(evaluator)
    assert seen.evaluates(demo.water.pk) and seen.sees(demo.water.pk) and not seen.sees(demo.machakos.pk)
    assert not seen.audits(demo.water.pk)


@pytest.fixture
def concluded(ministry, submitted):
    Evaluation.objects.filter(pk=submitted.pk).update(state="concluded", composite="2.1234", grade="Excellent",
                                                      summary=[{"name": "Core Mandate", "weight": "50",
                                                                "score": "2.0000", "grade": "Excellent"}])
    submitted.refresh_from_db()
    return submitted


def test_before_release_only_the_institution_evaluators_and_oversight_see_the_result(
        demo, client, concluded, evaluator):
    for login in ("head", "perfdept", "officer"):
        client.force_login(demo.users[login])
        assert "2.1234" in client.get(concluded.get_absolute_url()).content.decode(), login
    client.force_login(evaluator)
    assert "2.1234" in client.get(concluded.get_absolute_url()).content.decode()
    client.force_login(demo.users["head2"])
    assert client.get(concluded.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(reverse("results-year", args=[concluded.year_start])).status_code == 404
    assert "2.1234" not in client.get(reverse("results-years")).content.decode()


def test_the_panel_moderates_with_a_reason_and_releases_then_the_public_page_shows_it(
        demo, client, concluded, django_assert_max_num_queries):
    perfdept = demo.users["perfdept"]
    client.force_login(perfdept)
    panel = client.get(reverse("evaluation-panel"), {"year": concluded.year_start})
    assert panel.status_code == 200 and "Excellent 1" in panel.content.decode()
    client.post(reverse("evaluation-moderate", args=[concluded.pk]), {"composite": "2.2", "reason": ""})
    assert Evaluation.objects.get(pk=concluded.pk).moderated_composite is None
    client.post(reverse("evaluation-moderate", args=[concluded.pk]), {"composite": "2.2", "reason": "Panel view"})
    assert Evaluation.objects.get(pk=concluded.pk).moderated_composite == Decimal("2.2")
    client.force_login(demo.users["head"])
    assert client.post(reverse("evaluation-release"), {"body": demo.pmco.pk, "year": concluded.year_start}
                       ).status_code == 404
    client.force_login(perfdept)
    client.post(reverse("evaluation-release"), {"body": demo.pmco.pk, "year": concluded.year_start})
    assert Evaluation.objects.get(pk=concluded.pk).released_on == timezone.localdate()

    client.logout()
    url = reverse("results-year", args=[concluded.year_start])
    with django_assert_max_num_queries(4):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    assert "Ministry of Water, Sanitation and Irrigation" in body and "2.2000" in body
    assert 'data-rank>1<' in body
    card = client.get(reverse("results-institution", args=[concluded.year_start, "water"])).content.decode()
    assert "Core Mandate" in card and "2.2000" in card
    assert client.get(reverse("results-institution", args=[concluded.year_start, "machakos"])).status_code == 404
    # Machakos had not submitted (a draft): released as not submitted only once its deadline passed.
    assert "machakos" not in body
    rows = list(csv.reader(io.StringIO(client.get(reverse("results-download", args=[concluded.year_start, "csv"]))
                                       .content.decode())))
    assert rows[1][1:5] == ["1", "Ministry of Water, Sanitation and Irrigation", "2.2000", "Excellent"]
    book = load_workbook(io.BytesIO(client.get(reverse("results-download", args=[concluded.year_start, "xlsx"]))
                                    .content))
    assert [c.value for c in book.active[2]][2:4] == ["Ministry of Water, Sanitation and Irrigation", "2.2000"]
    assert client.get(reverse("results-download", args=[concluded.year_start, "pdf"])).status_code == 404


def test_the_public_page_lists_non_submission_with_the_worst_grade(demo, client, ministry):
    county = Evaluation.objects.get(institution=demo.machakos, financial_year__is_current=True)
    after = county.financial_year.end_date + datetime.timedelta(days=45)
    release.release(demo.users["perfdept"], demo.pmco, county.year_start, after)
    Evaluation.objects.filter(pk=county.pk).update(released_on=timezone.localdate())
    client.logout()
    body = client.get(reverse("results-year", args=[county.year_start])).content.decode()
    assert 'data-institution="machakos"' in body and "data-not-submitted" in body and "5.0000" in body
    assert "Poor" in body
    # The ministry's draft was graded and released too, but on the later date: not public before it.
    assert Evaluation.objects.get(institution=demo.water, financial_year__is_current=True).not_submitted
    assert 'data-institution="water"' not in body


def test_the_public_page_speaks_swahili(demo, client, concluded):
    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate())
    client.logout()
    body = client.get(reverse("results-year", args=[concluded.year_start]), HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Matokeo" in body


def test_the_self_evaluation_is_not_opened_before_the_last_quarter(demo, client, ministry):
    Evaluation.objects.filter(contract=ministry).delete()
    client.force_login(demo.users["head"])
    assert timezone.localdate() < ministry.financial_year.end_date  # the demo's year is under way
    response = client.post(reverse("evaluation-start", args=[ministry.pk]))
    assert response.status_code == 302 and not Evaluation.objects.filter(contract=ministry).exists()
    listed = client.get(reverse("evaluation-list")).content.decode()
    assert reverse("evaluation-start", args=[ministry.pk]) not in listed


def test_the_institution_page_and_the_api_show_the_result_and_its_consequences(demo, client, concluded):
    from evaluations.models import Consequence

    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate())
    Consequence.objects.create(evaluation=concluded, institution=demo.water, kind="recognition",
                               grade="Excellent", note="Gala", applied_on=timezone.localdate())
    client.force_login(demo.users["officer"])
    page = client.get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    assert "data-institution-results" in page and 'data-consequence="recognition"' in page and "2.1234" in page
    rows = client.get("/api/v1/evaluations/").json()["results"]
    mine = next(r for r in rows if r["id"] == concluded.pk)
    assert mine["result"]["composite"] == "2.1234" and mine["result"]["grade"] == "Excellent"
    assert mine["result"]["consequences"][0]["kind"] == "recognition"
    # A draft has no result (last year's released evaluation, which the demo seeds, has one).
    drafts = [r for r in rows if r["state"] == "draft"]
    assert all(r["result"] is None for r in drafts)
    assert any(r["result"] and r["year_start"] == concluded.year_start - 1 for r in rows)
    client.logout()
    assert client.get("/api/v1/evaluations/").status_code in (401, 403)


def test_the_public_rows_escape_what_institutions_are_called(demo, client, concluded):
    from pmis.models import Institution

    Institution.objects.filter(pk=demo.water.pk).update(name='Water <script>alert("x")</script>')
    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate())
    client.logout()
    body = client.get(reverse("results-year", args=[concluded.year_start])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(&quot;x&quot;)" in body
