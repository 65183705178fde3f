"""The stage names of an institution's country profile where users meet the stages: the contract list
and page, the appraisal and appeal pages. Tanzania's PEPMIS says "Mpango wa Utendaji Kazi",
"Tathmini", "Rufaa"; Kenya's pages keep the words they had."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import now
from django.utils.translation import gettext

from appraisals import services as appraisals
from appraisals.models import Appraisal
from contracts.models import PerformanceContract
from scorecards.models import Profile

from ..appraisals.weekly_helpers import council_plan, user

pytestmark = pytest.mark.django_db


def _page(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_kenyan_profile_names_the_stages_as_the_pages_did(demo):
    """The appraisal page's "Appeal" and "Mid-year review" now come from the Kenyan profile: its names
    are the labels those pages had, in both languages (Swahili's stage title capitalised)."""
    kenya = Profile.objects.get(code="ke-pc")
    for stage, label in (("appeal", "Appeal"), ("review", "Mid-year review")):
        assert kenya.stage_name(stage, "en") == label
        with translation.override("sw"):
            assert kenya.stage_name(stage, "sw").lower() == gettext(label).lower()


@pytest.mark.parametrize("language, monitor, plan_stage", [
    ("sw", "Utekelezaji na Ufuatiliaji", "Mpango wa Utendaji Kazi"),
    ("en", "Implementation and monitoring", "Performance plan"),
])
def test_the_council_plan_pages_name_the_pepmis_stages(client, demo, language, monitor, plan_stage):
    plan = council_plan()  # signed and in force: implemented and monitored
    client.force_login(user("tz-msimamizi"))
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    detail = _page(client, plan.get_absolute_url(), language)
    assert f'data-stage="monitor">{monitor}</span>' in detail
    assert f"· {plan_stage}</p>" in _page(client, reverse("contract-tasks", args=[plan.pk]), language)
    listing = _page(client, reverse("contract-list"), language)
    assert f'data-stage="monitor">{monitor}</span>' in listing


def test_a_kenyan_contract_keeps_kenyas_names(client, demo):
    plan = PerformanceContract.objects.filter(institution=demo.water, status="draft").first() or \
        PerformanceContract.objects.filter(institution=demo.water).exclude(status__in=["signed", "in_force"]).first()
    client.force_login(user("admin"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    detail = _page(client, plan.get_absolute_url(), "en")
    names = {"plan": "Performance contract", "review": "Mid-year review", "appraise": "Performance appraisal (SPAS)"}
    assert f'data-stage="{plan.stage}">{names[plan.stage]}</span>' in detail


def test_the_appraisal_page_names_pepmis_stages(client, demo):
    plan = council_plan()
    appraisal = Appraisal.objects.filter(contract=plan).first() or appraisals.open_appraisal(user("tz-msimamizi"),
                                                                                             plan)
    Appraisal.objects.filter(pk=appraisal.pk).update(midyear_at=now())
    client.force_login(user("tz-afisa"))  # reads PMIS in Swahili: her saved language
    page = _page(client, appraisal.get_absolute_url(), "en")
    assert 'data-stage="appraise">Tathmini</span>' in page
    assert "<strong>Mapitio ya Mpango</strong>" in page  # PEPMIS' name for the mid-year review


def test_the_contract_list_reads_every_institutions_stage_names_at_once(client, demo):
    """The list names each row's stage by its institution's profile: one read of the profiles however
    many institutions the page shows."""
    client.force_login(user("admin"))
    client.post(reverse("set_language"), {"language": "sw", "next": "/"})
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("contract-list")).content.decode()
    shown = set(PerformanceContract.objects.values_list("institution_id", flat=True)[:25])
    assert 'class="badge stage"' in html
    profile_reads = [q["sql"] for q in queries.captured_queries if '"scorecards_profile"' in q["sql"]]
    assert len(shown) > 1 and len(profile_reads) <= 2


def test_the_contract_page_naming_its_stage_stays_bounded(client, demo, django_assert_max_num_queries):
    plan = council_plan()
    client.force_login(user("tz-afisa"))
    with django_assert_max_num_queries(30):
        response = client.get(plan.get_absolute_url())
    assert 'data-stage="monitor">Utekelezaji na Ufuatiliaji</span>' in response.content.decode()
