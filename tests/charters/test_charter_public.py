"""The public charter pages: no login, the visitor's language, phone- and print-friendly."""

import pytest
from django.urls import reverse

from charters import services
from charters.models import Charter


def test_the_directory_lists_institutions_with_a_published_charter(demo, client):
    response = client.get(reverse("charters:directory"))
    html = response.content.decode()
    assert response.status_code == 200
    assert demo.water.name in html and demo.machakos.name in html
    assert reverse("charters:public", args=["water"]) in html
    assert demo.pmco.name not in html  # no charter


def test_the_charter_page_needs_no_login_and_shows_the_services(demo, client, water_charter):
    response = client.get(reverse("charters:public", args=["water"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    assert "Authorisation to drill a borehole" in html
    assert "30 working days" in html and "48 hours" in html
    assert "KES 5,000" in html and "Free" in html
    assert "Directorate of Water Resources" in html
    assert "Hydrogeological survey report" in html  # a requirement
    assert "Commission on Administrative" in html  # how to complain
    assert 'name="website"' in html and 'name="started"' in html  # the spam traps


def test_the_charter_page_in_swahili(demo, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    html = client.get(reverse("charters:public", args=["water"])).content.decode()
    assert 'lang="sw"' in html
    assert "Kibali cha kuchimba kisima" in html
    assert "Mkataba wa Huduma kwa Wananchi" in html
    assert "Authorisation to drill a borehole" not in html


def test_swahili_falls_back_to_english_where_a_text_is_missing(demo, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    html = client.get(reverse("charters:public", args=["outside"])).content.decode()
    assert "Outside permit" in html


def test_anonymous_visitors_can_switch_language(demo, client):
    response = client.post(reverse("set_language"), {"language": "sw", "next": "/charters/water/"})
    assert response.status_code == 302 and response["Location"] == "/charters/water/"
    html = client.get("/charters/water/").content.decode()
    assert "Kibali cha kuchimba kisima" in html


def test_only_a_published_charter_is_public(demo, client, water_charter):
    admin = demo.users["admin"]
    draft = services.new_draft(admin, water_charter)
    services.update_charter(admin, draft, title_en="Unreleased draft title")
    assert "Unreleased draft title" not in client.get("/charters/water/").content.decode()
    # An institution with only a draft answers 404, and is not in the directory.
    charter = services.create_charter(admin, demo.pmco, title_en="Oversight draft charter")
    assert client.get("/charters/pmco/").status_code == 404
    assert "Oversight draft charter" not in client.get("/charters/").content.decode()
    assert charter.status == Charter.Status.DRAFT
    assert client.get("/charters/no-such-institution/").status_code == 404


def test_publishing_a_new_version_replaces_the_public_page(demo, client, water_charter):
    admin = demo.users["admin"]
    draft = services.new_draft(admin, water_charter)
    services.update_charter(admin, draft, title_en="Citizen Service Charter 2027")
    services.publish(admin, draft)
    html = client.get("/charters/water/").content.decode()
    assert "Citizen Service Charter 2027" in html and "Version 2" in html


def test_the_page_is_print_and_phone_friendly(demo, client, settings):
    html = client.get("/charters/water/").content.decode()
    assert 'name="viewport"' in html
    assert 'class="card feedback-card no-print"' in html  # the form is left off paper
    assert "data-print-page" in html and "charters/charters.js" in html
    assert "<style" not in html and 'style="' not in html and "<script>" not in html
    css = (settings.BASE_DIR / "static" / "pmis" / "pmis.css").read_text()
    print_rules = css.split("Service charters")[1]
    assert "@media print" in print_rules and ".no-print" in print_rules and ".service-card" in print_rules


@pytest.mark.parametrize("path", ["/charters/", "/charters/water/", "/charters/track/"])
def test_public_pages_take_few_queries(demo, client, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(path).status_code == 200
