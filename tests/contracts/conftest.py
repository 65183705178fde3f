
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.cycle import signing, workflow
from contracts.cycle import vetting as vetting_rules
from contracts.models import Target
from pmis import twofactor

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
    # A target flagged after negotiation (vetting.flags) passes only with the committee's comment.
    for target in Target.objects.filter(contract=cycle.plan):
        workflow.vet_target(cycle.vetting, target, smart=True, aligned=True,
                            comment="Passes as negotiated." if vetting_rules.flags(target) else "")
    workflow.approve_vetting(cycle.vetting, cycle.plan)
