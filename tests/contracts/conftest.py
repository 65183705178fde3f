import types

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import signing, workflow
from contracts.models import PerformanceContract, Target
from pmis import twofactor
from pmis.models import FinancialYear

PASSWORD = "pmis-demo"


def request_of(user, agent="pytest"):
    request = RequestFactory().post("/", HTTP_USER_AGENT=agent)
    request.user = user
    return request


def sign(user, contract, **kwargs):
    """Sign with the right password and, for signatories with two-factor, the current code.

    A code is good once; a test signing twice within 30 seconds forgets the last one used."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return signing.sign(request_of(user), contract, password=PASSWORD, code=twofactor.current_code(user), **kwargs)


@pytest.fixture
def cycle(demo):
    """The water hydrogeologist's plan (a draft in the demo) with everyone who acts on it."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["officer", "supervisor", "secretariat", "vetting", "appeals", "head", "admin"])}
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    plan = PerformanceContract.objects.get(financial_year=year, officer=demo.officer)
    assert plan.status == "draft"
    return types.SimpleNamespace(
        plan=plan, performer=users["officer"], counterparty=users["supervisor"], secretariat=users["secretariat"],
        vetting=users["vetting"], bystander=users["appeals"], admin=users["admin"], year=year,
        first_target=lambda: Target.objects.filter(contract=plan).order_by("order", "pk").first(),
    )


def carry(cycle, until):
    """Move the plan through the workflow functions until it reaches ``until``."""
    plan = cycle.plan
    steps = [
        ("submitted", lambda: workflow.submit(cycle.performer, plan)),
        ("negotiation", lambda: workflow.pass_review(cycle.secretariat, plan)),
        ("agreed", lambda: workflow.conclude_negotiation(cycle.counterparty, plan)),
        ("ready_to_sign", lambda: _vet_all(cycle)),
        ("in_force", lambda: [sign(u, plan) for u in (cycle.performer, cycle.counterparty)]),
    ]
    for status, step in steps:
        step()
        plan.refresh_from_db()
        if status == until:
            return plan
    raise AssertionError(f"no step reaches {until}")


def _vet_all(cycle):
    for target in Target.objects.filter(contract=cycle.plan):
        workflow.vet_target(cycle.vetting, target, smart=True, aligned=True)
    workflow.approve_vetting(cycle.vetting, cycle.plan)
