from django.urls import reverse

from pmis.models import FinancialYear


def test_the_framework_page_shows_the_years_set_up(demo, as_user, django_assert_max_num_queries):
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    client = as_user(demo.users["secretariat"])
    # Year, perspectives, objectives, indicators, policies, band tables; six for the request itself.
    with django_assert_max_num_queries(12 + 2):  # +1: the nav's unread badge
        html = client.get(reverse("scorecard-framework", args=[year.pk])).content.decode()
    assert "Core Mandate" in html and "Increase access to safe and reliable water" in html
    assert "Kenya performance contracting grades (2013)" in html and "kenya_pc_2013" not in html
    assert "Boreholes drilled and commissioned" in html
    assert html.index("Institution") < html.index("Directorate or unit") < html.index("Officer")


def test_a_year_without_set_up_still_renders(demo, as_user):
    year = FinancialYear.objects.get(institution=demo.pmco)
    html = as_user(demo.users["perfdept"]).get(reverse("scorecard-framework", args=[year.pk])).content.decode()
    assert "None set up for this year." in html
