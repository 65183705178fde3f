import pytest

# Which home-page panels each demo role must see first.
EXPECTED_PANELS = {
    "officer": {"officer", "institution"},
    "supervisor": {"officer", "supervisor", "institution"},
    "director": {"officer", "supervisor", "institution"},
    "head": {"officer", "supervisor", "institution", "activity"},
    "principal": {"institution"},
    "secretariat": {"officer", "institution", "activity"},
    "vetting": {"institution"},
    "appeals": {"institution"},
    "perfdept": {"oversight"},
    "auditor": {"auditor", "activity"},
    "head2": {"officer", "supervisor", "institution", "activity"},
    "officer2": {"officer", "institution"},
    "admin": {"oversight", "institution", "activity"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED_PANELS))
def test_home_shows_each_role_what_needs_attention(demo, client, username, django_assert_max_num_queries):
    client.force_login(demo.users[username])
    # +1 the user's access (pmis.access), +2 "Waiting for you" and "Waiting on your team"
    with django_assert_max_num_queries(15 + 1 + 2):
        response = client.get("/")
    assert response.status_code == 200
    panels = {p.key for p in response.context["attention"]["panels"]}
    assert EXPECTED_PANELS[username] <= panels, panels


def test_oversight_sees_both_institutions_and_no_other(demo, client):
    client.force_login(demo.users["perfdept"])
    response = client.get("/")
    html = response.content.decode()
    assert "Ministry of Water, Sanitation and Irrigation" in html
    assert "County Government of Machakos" in html
    assert "Kenya Outside Agency" not in html


def test_officer_sees_own_supervisor(demo, client):
    client.force_login(demo.users["officer"])
    html = client.get("/").content.decode()
    assert "Peter Njuguna" in html


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_home_in_swahili(demo, client):
    client.force_login(demo.users["officer"])
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sw")
    html = response.content.decode()
    assert 'lang="sw"' in html
    assert "Karibu" in html
    assert "Kazi yangu" in html


def test_language_switcher_sets_swahili(demo, client):
    client.force_login(demo.users["officer"])
    response = client.post("/i18n/setlang/", {"language": "sw", "next": "/"}, follow=True)
    assert 'lang="sw"' in response.content.decode()
