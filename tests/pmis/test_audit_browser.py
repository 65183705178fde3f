"""The audit trail browser: filters, bounded queries, the before/after diff, the chain status and
the link from a contract page."""

import re

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from contracts.models import PerformanceContract
from pmis import audit
from pmis.audit_views import chain_cache_key, diff_rows
from pmis.models import AuditEvent


def rows_of(html):
    return re.findall(r'href="/audit/events/(\d+)/"', html)


def test_filters(demo, as_user):
    client = as_user(demo.users["auditor"])
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    html = client.get(reverse("audit-event-list")).content.decode()
    assert rows_of(html)
    shown = AuditEvent.objects.filter(pk__in=rows_of(html))
    assert set(shown.values_list("institution_id", flat=True)) == {demo.water.pk}  # auditor: water only

    url = reverse("audit-event-list") + f"?ct=contracts.performancecontract&object={contract.pk}"
    html = client.get(url).content.decode()
    expected = AuditEvent.objects.for_object(contract).order_by("-pk")[:50]
    assert rows_of(html) == [str(e.pk) for e in expected]

    html = client.get(reverse("audit-event-list") + "?action=contract.sign").content.decode()
    actions = {e.action for e in AuditEvent.objects.filter(pk__in=rows_of(html))}
    assert actions == {"contract.sign"}

    html = client.get(reverse("audit-event-list") + "?actor=head&action=contract.signature").content.decode()
    found = AuditEvent.objects.filter(pk__in=rows_of(html))
    assert found and {e.actor_name for e in found} == {"head"}
    # People by their full name, as the page names them.
    head = demo.users["head"]
    html = client.get(reverse("audit-event-list") + f"?actor={head.get_full_name()}").content.decode()
    assert {e.actor_id for e in AuditEvent.objects.filter(pk__in=rows_of(html))} == {head.pk}

    html = client.get(reverse("audit-event-list") + "?since=2000-01-01&until=2000-12-31").content.decode()
    assert not rows_of(html) and "No events match" in html

    # Another institution is not a choice for the auditor: the filter refuses it.
    html = client.get(reverse("audit-event-list") + f"?institution={demo.machakos.pk}").content.decode()
    assert not rows_of(html)


def test_list_queries_are_bounded(demo, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["admin"])
    for i in range(60):
        audit.record(demo.users["admin"], "test.bulk", demo.water, None, {"i": i})
    with django_assert_max_num_queries(14):
        response = client.get(reverse("audit-event-list") + f"?institution={demo.water.pk}")
    assert response.status_code == 200
    assert len(rows_of(response.content.decode())) == 50
    with django_assert_max_num_queries(14):
        assert client.get(reverse("audit-event-list") + f"?institution={demo.water.pk}&page=2").status_code == 200


def test_diff_view(demo, as_user):
    event = audit.record(demo.users["admin"], "test.change", demo.water, {"name": "Old", "same": 1},
                         {"name": "New", "same": 1, "added": "x"})
    assert diff_rows(event.before, event.after) == [
        ("Added", "", "x", True), ("Name", "Old", "New", True), ("Same", "1", "1", False)]
    html = as_user(demo.users["auditor"]).get(reverse("audit-event-detail", args=[event.pk])).content.decode()
    assert "<del>Old</del>" in html and "<ins>New</ins>" in html
    assert event.hash in html and event.prev_hash in html
    assert "All events of this object" in html


def test_chain_status_verified_and_cached(demo, as_user):
    client = as_user(demo.users["auditor"])
    cache.delete(chain_cache_key(demo.water.pk))
    count = AuditEvent.objects.filter(institution=demo.water).count()
    html = client.get(reverse("audit-event-list") + f"?institution={demo.water.pk}").content.decode()
    assert "Verify the chain" in html
    html = client.get(reverse("audit-chain-status", args=[demo.water.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f"Verified up to event {count}" in html and "Intact" in html
    # Cached: the list shows it without walking again, even after a new event.
    audit.record(demo.users["admin"], "test.more", demo.water)
    html = client.get(reverse("audit-event-list") + f"?institution={demo.water.pk}").content.decode()
    assert f"Verified up to event {count}" in html
    html = client.get(reverse("audit-chain-status", args=[demo.water.pk]) + "?refresh=1").content.decode()
    assert f"Verified up to event {count + 1}" in html
    assert client.get(reverse("audit-chain-status", args=[demo.machakos.pk])).status_code == 404


def test_a_tampered_chain_shows_where_it_breaks(demo, as_user):
    cache.delete(chain_cache_key(demo.water.pk))
    victim = AuditEvent.objects.filter(institution=demo.water).order_by("seq")[3]
    # Bypass the append-only guard the way an attacker with database access would.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = 'forged' WHERE id = %s", [victim.pk])
    html = as_user(demo.users["auditor"]).get(
        reverse("audit-chain-status", args=[demo.water.pk]) + "?refresh=1").content.decode()
    assert "Broken" in html and "Verified up to event 3" in html
    assert reverse("audit-event-detail", args=[victim.pk]) in html
    cache.delete(chain_cache_key(demo.water.pk))


def test_contract_page_links_to_its_events(demo, as_user):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    html = as_user(demo.users["auditor"]).get(reverse("contract-detail", args=[contract.pk])).content.decode()
    assert f"/audit/?ct=contracts.performancecontract&amp;object={contract.pk}" in html


def test_events_read_as_sentences_with_labelled_fields(demo, as_user):
    """The trail names people and says what they did; field names and states are labels, not codes."""
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    head = demo.users["head"]
    signed = AuditEvent.objects.for_object(contract).filter(action="contract.signature", actor=head).first()
    moved = AuditEvent.objects.for_object(contract).filter(action="contract.sign").first()
    client = as_user(demo.users["auditor"])
    url = reverse("audit-event-list") + f"?institution={demo.water.pk}&action=contract.signature"
    html = client.get(url).content.decode()
    assert f"{head.get_full_name()} signed the contract {contract}, version 1" in html
    assert "contract.signature" not in html.split("<tbody>")[1]
    # The number on the page is the number in the address.
    assert f'href="/audit/events/{signed.pk}/">#{signed.pk}</a>' in html

    options = re.findall(r'<option value="([^"]*)"', html.split('name="ct"')[1].split("</select>")[0])
    internal = ("auth.", "pmis.auditevent", "pmis.institutiongroup")
    assert "contracts.performancecontract" in options and not [o for o in options if o.startswith(internal)]

    html = client.get(reverse("audit-event-detail", args=[moved.pk])).content.decode()
    assert "Status" in html and "Vetted, ready to sign" in html and "ready_to_sign" not in html
    with translation.override("sw"):
        rows = diff_rows(moved.before, moved.after, PerformanceContract)
    assert any(label == "Hali" for label, *_ in rows), rows


def test_search_by_what_a_person_knows_not_an_id(demo, as_user, django_assert_max_num_queries):
    """The filter asks for part of a record's name (a contract, a target, a person), never a database id; the
    search stays within what the user may read."""
    client = as_user(demo.users["auditor"])
    html = client.get(reverse("audit-event-list")).content.decode()
    assert "Object id" not in html and "About (name, title or number)" in html
    assert re.search(r'<input type="hidden" name="object"', html) and not re.search(r'type="text" name="object"', html)

    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    name = str(contract)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("audit-event-list"), {"about": name[2:-2].upper()}).content.decode()
    found = AuditEvent.objects.filter(pk__in=rows_of(html))
    assert found and all(name[2:-2].lower() in e.object_repr.lower() for e in found)
    assert AuditEvent.objects.for_object(contract).filter(pk__in=rows_of(html)).exists()

    # Another institution's contract exists in the trail but the water auditor cannot find it by its name.
    other = PerformanceContract.objects.filter(institution=demo.machakos).first()
    assert AuditEvent.objects.filter(institution=demo.machakos, object_repr=str(other)).exists()
    html = client.get(reverse("audit-event-list"), {"about": str(other)}).content.decode()
    assert not AuditEvent.objects.filter(pk__in=rows_of(html), institution=demo.machakos).exists()


def test_a_record_s_link_names_it_and_offers_the_whole_trail(demo, as_user):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    client = as_user(demo.users["auditor"])
    html = client.get(reverse("audit-event-list"), {"ct": "contracts.performancecontract",
                                                     "object": contract.pk}).content.decode()
    latest = AuditEvent.objects.for_object(contract).order_by("-pk").first()
    assert f"Only the events of {latest.object_repr}." in html
    assert 'href="/audit/?ct=contracts.performancecontract">Show every record' in html
    client.cookies["django_language"] = "sw"
    html = client.get(reverse("audit-event-list"), {"ct": "contracts.performancecontract",
                                                     "object": contract.pk}).content.decode()
    assert f"Matukio ya {latest.object_repr} pekee." in html and "Kuhusu (jina, kichwa au nambari)" in html
    assert "Only the events of" not in html and "About (name, title or number)" not in html
