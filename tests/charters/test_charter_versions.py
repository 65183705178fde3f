"""Published charter versions are frozen at the model layer."""

import pytest
from django.core.exceptions import ValidationError

from charters import services
from charters.models import Charter, FrozenCharterError, Service


def test_a_published_charter_and_its_services_cannot_change(demo, water_charter):
    water_charter.title_en = "Changed quietly"
    with pytest.raises(FrozenCharterError):
        water_charter.save()
    with pytest.raises(FrozenCharterError):
        Charter.objects.get(pk=water_charter.pk).delete()
    service = water_charter.services.first()
    service.fee = 1
    with pytest.raises(FrozenCharterError):
        service.save()
    with pytest.raises(FrozenCharterError):
        service.delete()
    with pytest.raises(FrozenCharterError):
        Service(charter=water_charter, institution=demo.water, code="new", name_en="New", standard_value=1,
                office_en="x").save()
    with pytest.raises(ValidationError, match="cannot change"):
        services.update_charter(demo.users["admin"], water_charter, title_en="Via the service")


def test_editing_means_a_new_draft_and_publishing_supersedes(demo, water_charter):
    admin = demo.users["admin"]
    draft = services.new_draft(admin, water_charter)
    assert (draft.version, draft.status) == (2, "draft")
    with pytest.raises(ValidationError, match="draft version already exists"):
        services.new_draft(admin, water_charter)
    service = draft.services.get(code="water-testing")
    services.update_service(admin, service, fee=7000)
    services.publish(admin, draft)
    water_charter.refresh_from_db()
    assert water_charter.status == "superseded" and water_charter.superseded_at is not None
    assert water_charter.services.get(code="water-testing").fee == 6500  # the old version kept its text
    # A superseded version is frozen too.
    water_charter.title_en = "Rewriting history"
    with pytest.raises(FrozenCharterError):
        water_charter.save()


def test_publishing_needs_services_and_a_way_to_complain(demo):
    admin = demo.users["admin"]
    charter = services.create_charter(admin, demo.pmco, title_en="Oversight charter")
    with pytest.raises(ValidationError, match="at least one service"):
        services.publish(admin, charter)
    services.add_service(admin, charter, code="ranking", name_en="Ranking report", standard_value=10,
                         office_en="Secretariat")
    with pytest.raises(ValidationError, match="how citizens can complain"):
        services.publish(admin, charter)


def test_the_recorded_name_carries_no_status_in_any_language(demo, water_charter, as_user):
    """The audit trail keeps a charter's name as it was recorded: a status in it (English, or whichever language
    was active) would read wrong in the other language and go stale at the next publication."""
    from django.utils import translation

    from pmis.models import AuditEvent

    admin = demo.users["admin"]
    with translation.override("sw"):
        draft = services.new_draft(admin, water_charter)
        services.publish(admin, draft)
    recorded = set(AuditEvent.objects.filter(action__in=["charter.new_draft", "charter.publish", "charter.supersede"],
                                             institution=demo.water).values_list("object_repr", flat=True))
    assert recorded >= {f"{water_charter.title_en} (v1)", f"{water_charter.title_en} (v2)"}
    statuses = {"Draft", "Published", "Superseded", "draft", "published", "superseded"}
    with translation.override("sw"):
        statuses |= {str(label) for _code, label in Charter.Status.choices}
    assert not [name for name in recorded for word in statuses if word in name]

    client = as_user(admin)
    client.cookies["django_language"] = "sw"
    html = client.get("/audit/", {"action": "charter.publish"}).content.decode()
    assert f"{water_charter.title_en} (v2)" in html and "Published)" not in html
