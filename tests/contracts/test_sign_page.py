"""The signing page (issue 30): errors listed at the top, marked to take the focus; the code field only
for users enrolled in two-factor; the fingerprint shortened with a copy button, whole on the public
verification page."""

import re

from django.urls import reverse

from contracts.models import ContractVersion
from pmis import twofactor
from tests.contracts.conftest import PASSWORD, carry


def test_the_code_field_is_asked_only_of_enrolled_users(cycle, client):
    plan = carry(cycle, "ready_to_sign")
    url = reverse("contract-sign", args=[plan.pk])
    assert not twofactor.has_second_factor(cycle.performer)
    client.force_login(cycle.performer)
    assert 'name="code"' not in client.get(url).content.decode()
    assert twofactor.has_second_factor(cycle.counterparty)
    client.force_login(cycle.counterparty)
    assert 'name="code"' in client.get(url).content.decode()


def test_errors_come_first_and_take_the_focus(cycle, client):
    plan = carry(cycle, "ready_to_sign")
    client.force_login(cycle.counterparty)
    response = client.post(reverse("contract-sign", args=[plan.pk]), {"password": PASSWORD, "confirm": "on",
                                                                       "code": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.index('id="sign-errors"')
    assert "data-focus-on-load" in html[summary - 200:summary + 200]
    assert summary < html.index("<form method=\"post\" class=\"form card\"")
    assert 'href="#id_code"' in html  # the error links to its field
    assert html.count('role="alert"') == 1  # said once, not again beside the form


def test_the_fingerprint_is_short_with_a_copy_button_and_whole_on_the_verification_page(cycle, client):
    plan = carry(cycle, "ready_to_sign")
    version = ContractVersion.objects.get(contract=plan)
    client.force_login(cycle.performer)
    for url in (reverse("contract-sign", args=[plan.pk]), reverse("contract-detail", args=[plan.pk])):
        html = client.get(url).content.decode()
        shown = re.sub(r"<[^>]+>", " ", html)  # the text a reader sees, without attributes
        assert version.content_hash not in shown and version.content_hash[:12] + "…" in shown
        assert f'data-copy="{version.content_hash}"' in html
    client.logout()
    html = client.get(reverse("contract-verify", args=[version.verify_code])).content.decode()
    assert version.content_hash in re.sub(r"<[^>]+>", " ", html)
