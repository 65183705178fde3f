"""Journey: the menu's "Tasks" badge follows a handoff. The director answers the head's proposal on the
directorate contract; the director's count goes down, and the head, who must now record agreement, finds
one more in the badge, on the home page's "Waiting for you" card and on /tasks/, from which the link
opens the contract."""

import re

import pytest
from django.contrib.auth import get_user_model

from contracts.models import NegotiationRound, PerformanceContract
from notifications.models import WorkItem
from scorecards.models import ContractLevel

pytestmark = [pytest.mark.browser]


def badge(j) -> int:
    """The number in the menu's Tasks badge (none shown: 0); on a phone the menu is opened first."""
    j.menu()
    found = j.page.locator("[data-badge=tasks]")
    if not found.count():
        return 0
    return int(re.match(r"\d+", found.first.inner_text().strip()).group())


def test_the_badge_counts_across_a_handoff(journey, viewport):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["director", "head"])}
    contract = PerformanceContract.objects.get(level=ContractLevel.UNIT, performer=users["director"])
    proposal = NegotiationRound.objects.get(target__contract=contract, state="open")
    open_items = WorkItem.objects.filter(closed_at__isnull=True)

    j = journey("inbox")
    page = j.page
    j.login("head")
    head_before = badge(j)
    assert head_before == open_items.filter(assignee=users["head"]).count()
    j.logout()

    # The director has the proposal to answer: it is on the home page, and counted in the badge.
    j.login("director")
    director_before = badge(j)
    assert director_before == open_items.filter(assignee=users["director"]).count() >= 1
    card = page.locator("[data-panel=inbox]")
    assert card.locator("[data-task=contract_answer]").count() == 1
    assert page.locator("[data-badge=tasks]").is_visible()
    j.shot("1-director-home")
    with page.expect_navigation():
        card.locator("[data-task=contract_answer] a").click()
    j.check()
    assert f"/contracts/{contract.pk}/" in page.url
    with page.expect_navigation():
        page.locator(f"form[action='/contracts/rounds/{proposal.pk}/answer/'] button[value=accept]").click()
    j.check()
    assert badge(j) == director_before - 1
    # Nothing is left for the director on the contract: its card says whom it waits for.
    assert "Waiting for" in page.locator("[data-waiting-on]").inner_text()
    j.shot("2-director-answered")
    j.logout()

    # The head is told: one more in the badge, the item first on the card, and on /tasks/.
    j.login("head")
    assert badge(j) == head_before + 1
    assert page.locator("[data-badge=tasks]").is_visible()
    item = page.locator("[data-panel=inbox] [data-task=contract_agree]")
    assert item.count() == 1 and contract.title in item.inner_text()
    j.shot("3-head-home")
    j.goto("/tasks/?kind=contract_agree")
    assert page.locator("main [data-task=contract_agree]").count() == 1
    j.shot("4-head-tasks")
    with page.expect_navigation():
        page.locator("main [data-task=contract_agree] a").click()
    j.check()
    assert f"/contracts/{contract.pk}/" in page.url
    # And the notification is waiting on the notifications page too.
    j.goto("/notifications/")
    assert contract.title in page.locator("main").inner_text()
