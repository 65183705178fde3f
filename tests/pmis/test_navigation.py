"""The main menu offers each user the sections their roles call for, without a query per page."""

import pytest

LINKS = {"league": "/scorecards/league/", "verification": "/contracts/verification/", "reports": "/reports/",
         "audit": "/audit/"}


@pytest.mark.parametrize("login,expected", [
    ("officer", set()),
    ("director", set()),
    ("perfdept", {"league", "reports"}),
    ("secretariat", {"league", "verification", "reports", "audit"}),
    ("auditor", {"league", "reports", "audit"}),
    ("head", {"league", "reports", "audit"}),
    ("admin", {"league", "verification", "reports", "audit"}),
])
def test_the_menu_follows_the_users_roles(demo, client, login, expected):
    client.force_login(demo.users[login])
    nav = client.get("/").content.decode().split('<nav class="mainnav"')[1].split("</nav>")[0]
    shown = {name for name, url in LINKS.items() if f'href="{url}"' in nav}
    assert shown == expected
    assert 'href="/contracts/"' in nav and 'href="/appraisals/"' in nav


def test_the_menu_costs_no_query_per_page(demo, client, django_assert_max_num_queries):
    client.force_login(demo.users["officer"])
    client.get("/")
    with django_assert_max_num_queries(40) as captured:
        client.get("/")
    assert not any("pmis_rolemembership" in q["sql"] and "DISTINCT" in q["sql"].upper()
                   for q in captured.captured_queries)
