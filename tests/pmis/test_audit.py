import threading

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from pmis import audit
from pmis.models import AuditEvent, Institution


def verify(slug=None):
    args = ["--institution", slug] if slug else []
    call_command("verify_audit", *args, stdout=open("/dev/null", "w"))


def test_events_chain_and_verify(demo):
    first = audit.record(demo.users["head"], "test.one", demo.water, {"a": 1}, {"a": 2})
    second = audit.record(demo.users["head"], "test.two", demo.water)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert audit.verify_chain(demo.water.pk).ok
    verify()


def test_chains_are_per_institution(demo):
    water_event = audit.record(None, "test.water", demo.water)
    machakos_event = audit.record(None, "test.machakos", demo.machakos)
    assert water_event.institution_id == demo.water.pk
    assert machakos_event.prev_hash != water_event.hash


def test_verify_audit_names_an_event_edited_with_raw_sql(demo):
    event = audit.record(demo.users["head"], "contract.sign", demo.water, None, {"weight": 20})
    audit.record(demo.users["head"], "contract.after", demo.water)
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["contract.unsign", event.pk])  # noqa: S608
    with pytest.raises(CommandError) as excinfo:
        verify("water")
    assert f"event #{event.seq}" in str(excinfo.value)
    assert "does not match its hash" in str(excinfo.value)


def test_verify_audit_detects_a_deleted_event(demo):
    event = audit.record(None, "test.deleted", demo.water)
    audit.record(None, "test.next", demo.water)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [event.pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"expected event #{event.seq}"):
        verify("water")


def test_verify_audit_unknown_institution(demo):
    with pytest.raises(CommandError, match="No institution"):
        verify("atlantis")


def test_events_cannot_be_edited_or_deleted_through_the_orm(demo):
    event = audit.record(None, "test.event", demo.water)
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_admin_offers_no_add_change_or_delete(demo):
    request = RequestFactory().get("/")
    request.user = demo.users["admin"]
    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_event_records_ip_actor_and_before_after(demo, client):
    client.force_login(demo.users["admin"])
    response = client.post(
        f"/admin/pmis/institution/{demo.machakos.pk}/change/",
        {"name": "County Government of Machakos (renamed)", "slug": "machakos", "kind": "county",
         "country": "KE", "oversight_parent": demo.pmco.pk, "fy_start_month": 7},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.filter(institution=demo.machakos).order_by("-seq").first()
    assert event.action == "admin.change"
    assert event.actor_name == "admin"
    assert event.ip == "10.1.2.3"
    assert event.before["name"] == "County Government of Machakos"
    assert event.after["name"] == "County Government of Machakos (renamed)"
    verify("machakos")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    from django.db import connections

    institution = Institution.objects.create(name="Concurrency Agency", slug="concurrency", kind="agency")

    def write(n):
        try:
            for i in range(n):
                audit.record(None, f"test.concurrent.{i}", institution)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    status = audit.verify_chain(institution.pk)
    assert status.ok, status.reason
    assert status.verified == 60
