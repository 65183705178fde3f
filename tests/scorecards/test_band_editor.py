"""The institution's administrator keeps its grade bands in the app: the national tables shown for reference,
a table of its own started from one and edited band by band in English and Swahili, checked as ranges that
meet end to end; a signed contract keeps what it copied; nobody else edits and another institution's table
does not exist."""

import pytest
from django.urls import reverse

from contracts.cycle import content, targets
from contracts.models import ContractVersion, PerformanceContract
from pmis import access, org
from pmis.models import AuditEvent, FinancialYear, OrgUnit
from scorecards import setup
from scorecards.models import BandTable, ScoringPolicy

# The Kenya performance-contract scale runs from 1 (best) to 5; each band as (English, Swahili, from, to).
OURS = [("Excellent", "Bora kabisa", "1", "2.2"), ("Very Good", "Vizuri sana", "2.2", "3"),
        ("Good", "Vizuri", "3", "3.6"), ("Fair", "Wastani", "3.6", "4"), ("Poor", "Dhaifu", "4", "5")]


@pytest.fixture
def keeper(demo):
    """The water ministry's administrator, not a superuser."""
    user, _ = org.ensure_user("keeper", first_name="Ruth", last_name="Mwangi")
    org.grant_role(demo.users["admin"], user, demo.water, "admin")
    access.forget()
    return user


@pytest.fixture
def year(demo):
    return FinancialYear.objects.get(institution=demo.water, is_current=True)


def posted(rows, extra=2):
    data = {"band-TOTAL_FORMS": str(len(rows) + extra), "band-INITIAL_FORMS": str(len(rows)),
            "band-MIN_NUM_FORMS": "0", "band-MAX_NUM_FORMS": "1000"}
    for i, (grade, grade_sw, lower, upper) in enumerate(rows):
        data.update({f"band-{i}-grade": grade, f"band-{i}-grade_sw": grade_sw, f"band-{i}-lower": lower,
                     f"band-{i}-upper": upper})
    return data


def own_table(keeper, year, name="Water ministry grades"):
    return setup.start_own_band_table(keeper, BandTable.objects.get(financial_year=year, name="kenya_pc"), name)


def test_the_administrator_starts_a_table_of_its_own_and_edits_it_in_both_languages(
        demo, keeper, year, as_user, django_assert_max_num_queries):
    client = as_user(keeper)
    bands_url = reverse("institution-bands", args=[demo.water.pk])
    for page in ("institution-detail", "institution-identity", "institution-profile"):
        assert bands_url in client.get(reverse(page, args=[demo.water.pk])).content.decode(), page
    with django_assert_max_num_queries(12):
        page = client.get(bands_url)
    html = page.content.decode()
    # The national tables for reference: their ranges in both languages, and nothing to edit.
    assert "Kenya performance contracting grades" in html and "Bora kabisa" in html and "National table" in html
    assert reverse("band-table", args=[BandTable.objects.get(financial_year=year, name="kenya_pc").pk]) not in html
    national = BandTable.objects.get(financial_year=year, name="kenya_pc")
    response = client.post(bands_url, {"year": year.pk, "source": national.pk, "name": "Water ministry grades"})
    table = BandTable.objects.get(financial_year=year, name="Water ministry grades")
    assert response.status_code == 302 and response.url == reverse("band-table", args=[table.pk])
    assert table.bands == national.bands and table.version == 1
    assert client.post(bands_url, {"year": year.pk, "source": national.pk, "name": "Water ministry grades"}
                       ).status_code == 400  # the name is taken

    url = reverse("band-table", args=[table.pk])
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert 'value="Vizuri sana"' in page.content.decode() and 'value="2.4"' in page.content.decode()
    rows = [*OURS[:-1], ("Poor", "Dhaifu sana", "4", "5")]
    with django_assert_max_num_queries(25):
        response = client.post(url, posted(rows))
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.version == 2
    assert table.bands[0] == {"grade": "Excellent", "grade_sw": "Bora kabisa", "limit": "2.2"}
    assert table.bands[-1] == {"grade": "Poor", "grade_sw": "Dhaifu sana", "limit": "5"}
    event = AuditEvent.objects.filter(action="band_table.update").latest("pk")
    assert event.before["version"] == 1 and event.after["bands"][-1]["grade_sw"] == "Dhaifu sana"
    listed = client.get(bands_url).content.decode()
    assert "Dhaifu sana" in listed and url in listed

    # A band removed by emptying its row; the one above now reaches the worst end.
    response = client.post(url, posted([*OURS[:3], ("Poor", "Dhaifu", "3.6", "5"), ("", "", "", "")], extra=1))
    table.refresh_from_db()
    assert response.status_code == 302 and [b["grade"] for b in table.bands] == [
        "Excellent", "Very Good", "Good", "Poor"]


@pytest.mark.parametrize("rows, field, english, swahili", [
    ([*OURS[:2], ("Good", "Vizuri", "2.8", "3.6"), *OURS[3:]], "band-2-lower",
     "This band overlaps the band above it", "Kiwango hiki kinaingiliana na kiwango kilicho juu yake"),
    ([*OURS[:2], ("Good", "Vizuri", "3.2", "3.6"), *OURS[3:]], "band-2-lower",
     "There is a gap between this band and the band above it", "Kuna pengo kati ya kiwango hiki"),
    ([*OURS[:4], ("Poor", "Dhaifu", "4", "4.5")], "band-4-upper",
     "The last band must reach 5", "Kiwango cha mwisho lazima kifike 5"),
    ([*OURS[:1], ("Very Good", "", "2.2", "3"), *OURS[2:]], "band-1-grade_sw",
     "Name the grade in Swahili.", "Taja daraja kwa Kiswahili."),
    ([("", "Bora kabisa", "1", "2.2"), *OURS[1:]], "band-0-grade",
     "Name the grade in English.", "Taja daraja kwa Kiingereza."),
])
def test_bands_that_overlap_leave_a_gap_or_lack_a_name_are_refused_in_the_readers_language(
        demo, keeper, year, as_user, rows, field, english, swahili):
    table = own_table(keeper, year)
    client = as_user(keeper)
    url = reverse("band-table", args=[table.pk])
    response = client.post(url, posted(rows))
    html = response.content.decode()
    assert response.status_code == 400 and english in html
    # The message sits with the field it is about.
    assert html.index(english) > html.index(f'name="{field}"') > 0
    client.cookies["django_language"] = "sw"
    assert swahili in client.post(url, posted(rows)).content.decode()
    table.refresh_from_db()
    assert table.version == 1


def test_editing_leaves_a_signed_contract_as_signed_and_reaches_the_next_contract(demo, keeper, year, as_user):
    contract = PerformanceContract.objects.get(institution=demo.water, level="institution", financial_year=year)
    version = ContractVersion.objects.get(contract=contract, number=contract.version, signed_at__isnull=False)
    bands, signed_hash = list(contract.bands), version.content_hash
    assert content.fingerprint(content.contract_content(contract)) == signed_hash

    table = own_table(keeper, year)
    client = as_user(keeper)
    url = reverse("band-table", args=[table.pk])
    assert client.post(url, {"use": "1", "level": ["institution", "unit"]}).status_code == 302
    used = dict(ScoringPolicy.objects.filter(financial_year=year).values_list("level", "band_table__name"))
    assert used["institution"] == used["unit"] == "Water ministry grades"
    response = client.post(url, posted(OURS))
    assert response.status_code == 302

    contract.refresh_from_db()
    version.refresh_from_db()
    assert contract.bands == bands and contract.band_table_name == "kenya_pc"
    assert version.content_hash == signed_hash
    assert content.fingerprint(content.contract_content(contract)) == signed_hash
    # A contract made after the edit copies the new bands.
    unit = OrgUnit.objects.filter(institution=demo.water).exclude(
        pk__in=PerformanceContract.objects.filter(financial_year=year, level="unit").values("org_unit")).first()
    later = targets.create_contract(keeper, financial_year=year, level="unit", title="Next contract",
                                    performer=demo.users["director"], org_unit=unit)
    assert later.band_table_name == "Water ministry grades" and later.band_table_version == 2
    assert later.bands[0]["limit"] == "2.2"
    # Unticked, a level goes back to the national table.
    client.post(url, {"use": "1", "level": ["unit"]})
    used = dict(ScoringPolicy.objects.filter(financial_year=year).values_list("level", "band_table__name"))
    assert used["institution"] == "kenya_pc" and used["unit"] == "Water ministry grades"


def test_only_the_administrator_edits_and_only_its_own_table(demo, keeper, year, as_user):
    table = own_table(keeper, year)
    national = BandTable.objects.get(financial_year=year, name="kenya_pc")
    bands_url = reverse("institution-bands", args=[demo.water.pk])
    for login in ("head", "officer"):
        client = as_user(demo.users[login])
        html = client.get(bands_url).content.decode()
        assert "Water ministry grades" in html and reverse("band-table", args=[table.pk]) not in html
        assert "Start a table of your own" not in html
        page = client.get(reverse("band-table", args=[table.pk]))
        assert page.status_code == 200 and "<form" not in page.content.decode().split("<main")[1]
        assert client.post(reverse("band-table", args=[table.pk]), posted(OURS)).status_code == 403
        assert client.post(reverse("band-table", args=[table.pk]), {"use": "1", "level": ["unit"]}
                           ).status_code == 403
        assert client.post(bands_url, {"source": national.pk, "name": "Mine"}).status_code == 403
    # The functions behind the page refuse them too.
    for call in (lambda u: setup.update_band_table(u, table, table.bands),
                 lambda u: setup.start_own_band_table(u, national, "Mine"),
                 lambda u: setup.use_band_table(u, table, {"unit"})):
        with pytest.raises(access.NotAllowed):
            call(demo.users["head"])
    # The national table stays as published, even for the administrator.
    client = as_user(keeper)
    assert "<form" not in client.get(reverse("band-table", args=[national.pk])).content.decode().split("<main")[1]
    assert client.post(reverse("band-table", args=[national.pk]), posted(OURS)).status_code == 403
    national.refresh_from_db()
    assert national.version == 1


def test_another_institutions_tables_and_years_are_not_found(demo, keeper, year, as_user):
    outside_year = FinancialYear.objects.filter(institution=demo.outside).first()
    foreign = BandTable.objects.filter(institution=demo.outside).first()
    client = as_user(keeper)
    assert client.get(reverse("band-table", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("band-table", args=[foreign.pk]), posted(OURS)).status_code == 404
    assert client.get(reverse("institution-bands", args=[demo.outside.pk])).status_code == 404
    assert client.get(reverse("institution-bands", args=[demo.water.pk]), {"year": outside_year.pk}
                      ).status_code == 404
    # Starting a table from another institution's national table is not possible either.
    assert client.post(reverse("institution-bands", args=[demo.water.pk]),
                       {"year": year.pk, "source": foreign.pk, "name": "Borrowed"}).status_code == 400
    assert not BandTable.objects.filter(name="Borrowed").exists()
    foreign.refresh_from_db()
    assert foreign.version == 1
