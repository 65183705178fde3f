"""Country profiles: seeded as data, chosen per institution; choosing one changes the defaults new
contracts copy and leaves contracts already made, signed ones above all, as they were."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.cycle import content, targets
from contracts.models import PerformanceContract
from pmis import org
from pmis.models import FinancialYear
from scorecards import profiles, setup
from scorecards.models import PROFILE_STAGES, Perspective, Profile, ScoringPolicy

pytestmark = pytest.mark.django_db


def test_the_three_profiles_are_seeded_and_valid():
    by_code = {p.code: p for p in Profile.objects.all()}
    assert {"ke-pc", "tz-pepmis", "ug-bsc"} <= set(by_code)
    for profile in by_code.values():
        profile.full_clean()
    pepmis = by_code["tz-pepmis"]
    assert [pepmis.stage_name(s, "sw") for s in ("plan", "appraise", "appeal")] == [
        "Mpango wa Utendaji Kazi", "Tathmini", "Rufaa"]
    assert pepmis.stage_name("plan", "en") == "Performance plan"
    assert pepmis.weekly_log and not by_code["ke-pc"].weekly_log and not by_code["ug-bsc"].weekly_log
    assert pepmis.schemes["officer"]["scheme"] == "pepmis"
    assert by_code["ug-bsc"].schemes["officer"]["scheme"] == "likert_5"
    assert by_code["ug-bsc"].perspective_kind == "bsc_perspective"
    assert by_code["ke-pc"].schemes["institution"]["scheme"] == "kenya_pc"


def test_a_profile_refuses_weights_not_adding_to_100_and_unnamed_stages():
    profile = Profile.objects.get(code="ug-bsc")
    profile.perspectives = [{**p, "weight": "20"} for p in profile.perspectives]
    profile.stage_names = {stage: {"en": stage} for stage in PROFILE_STAGES}
    profile.schemes = {**profile.schemes, "officer": {"scheme": "likert_5", "band_table": "kenya_pc"}}
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert {"perspectives", "stage_names", "schemes"} <= set(caught.value.message_dict)


def test_an_institution_follows_its_country_until_it_chooses(demo):
    assert profiles.of(demo.water).code == "ke-pc"
    assert not profiles.weekly_log_on(demo.water)
    setup.choose_profile(demo.users["admin"], demo.water, Profile.objects.get(code="tz-pepmis"))
    assert profiles.of(demo.water).code == "tz-pepmis"
    assert profiles.weekly_log_on(demo.water)
    assert profiles.stage_name(demo.water, "appeal", "sw") == "Rufaa"


def test_switching_changes_defaults_and_leaves_signed_contracts_untouched(demo):
    admin = demo.users["admin"]
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    signed = list(PerformanceContract.objects.filter(institution=demo.water, signatures__isnull=False).distinct())
    assert signed, "the demo has signed contracts in the ministry"
    before = {c.pk: (c.scheme, c.bands, c.band_table_name, content.fingerprint(content.contract_content(c)),
                     c.signatures.order_by("pk").values_list("content_hash", flat=True)[0]) for c in signed}
    for c in signed:  # the signed hash is the content's own
        assert before[c.pk][3] == before[c.pk][4]

    setup.choose_profile(admin, demo.water, Profile.objects.get(code="ug-bsc"))

    policies = {p.level: p.scheme for p in ScoringPolicy.objects.filter(financial_year=year)}
    assert policies == {"institution": "likert_5", "unit": "likert_5", "officer": "likert_5"}
    user, _ = org.ensure_user("profile-newcomer", password="pmis-demo")
    officer = org.add_officer(admin, demo.water, user, personal_number="PN-PROFILE-1", designation="Officer",
                              org_unit=demo.officer.org_unit, supervisor=demo.officer.supervisor)
    plan = targets.create_contract(admin, financial_year=year, level="officer", title="Plan", performer=user,
                                   counterparty=demo.officer.supervisor.user, officer=officer)
    assert plan.scheme == "likert_5"
    assert {k: plan.bands[0][k] for k in ("grade", "limit")} == {"grade": "Excellent", "limit": "4.50"}

    for c in PerformanceContract.objects.filter(pk__in=before):
        assert (c.scheme, c.bands, c.band_table_name, content.fingerprint(content.contract_content(c))) == \
            before[c.pk][:4]
    # Perspectives in use stay: the year's targets still name them.
    assert Perspective.objects.filter(financial_year=year, kind="pc_criteria_category").exists()


def test_a_year_without_contracts_takes_the_new_perspectives(demo):
    admin = demo.users["admin"]
    year = org.open_financial_year(admin, demo.water, 2031, make_current=False)
    setup.seed_defaults(admin, demo.water, year)
    assert set(Perspective.objects.filter(financial_year=year).values_list("kind", flat=True)) == {
        "pc_criteria_category"}
    setup.choose_profile(admin, demo.water, Profile.objects.get(code="ug-bsc"))
    found = Perspective.objects.filter(financial_year=year).order_by("order")
    assert [(p.code, p.weight) for p in found] == [(c, Decimal(25)) for c in ("CL", "FI", "IB", "LG")]


def test_the_profile_page_shows_stages_in_swahili_and_only_the_admin_chooses(demo, client):
    setup.choose_profile(demo.users["admin"], demo.water, Profile.objects.get(code="tz-pepmis"))
    url = reverse("institution-profile", args=[demo.water.pk])
    client.force_login(demo.users["officer"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sw")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mpango wa Utendaji Kazi" in text and "Tathmini" in text
    assert 'name="profile"' not in text
    assert client.post(url, {"profile": "ug-bsc"}).status_code == 403
    assert profiles.of(demo.water).code == "tz-pepmis"

    client.force_login(demo.users["admin"])
    assert client.post(url, {"profile": "nonsense"}).status_code == 400
    assert client.post(url, {"profile": "ug-bsc"}).status_code == 302
    assert profiles.of(demo.water).code == "ug-bsc"
    # Another institution's profile page is not there for the water officer.
    client.force_login(demo.users["officer"])
    assert client.get(reverse("institution-profile", args=[demo.outside.pk])).status_code == 404
