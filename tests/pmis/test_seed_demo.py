from django.contrib.auth import get_user_model
from django.core.management import call_command

from pmis.models import AuditEvent, FinancialYear, Officer, OrgUnit, RoleMembership

MODELS = [get_user_model(), Officer, OrgUnit, RoleMembership, FinancialYear, AuditEvent]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_seed_demo_is_idempotent(demo):
    before = counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


def test_demo_has_realistic_size_and_roles(demo):
    assert 28 <= Officer.objects.filter(institution__in=[demo.water, demo.machakos]).count() <= 40
    roles = set(RoleMembership.objects.filter(institution=demo.water).values_list("role", flat=True))
    assert {"head", "principal", "director", "supervisor", "officer", "performance_officer", "vetting",
            "appeals", "auditor", "admin"} <= roles
    assert demo.users["perfdept"].role_memberships.get().role == "oversight"
    assert FinancialYear.objects.get(institution=demo.water, is_current=True).start_date.month == 7
    # The org tree runs directorate → department → division → section.
    assert set(OrgUnit.objects.filter(institution=demo.water).values_list("level", flat=True)) == {
        "directorate", "department", "division", "section"}
