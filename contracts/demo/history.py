"""Demo history for seed_demo: the financial year before the current one, so the year-end evaluation has
a finished year to show (``evaluations.demo`` evaluates and releases it). The ministry's and the county's
institution contracts of that year, signed through the cycle with the year's final actuals on their
targets. Only the institution level: the cascade and the quarterly reports live in the current year.

Idempotent: the year is opened once, and contracts past their draft are left alone.
"""

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from pmis import org, twofactor
from pmis.models import FinancialYear, Institution
from scorecards import setup
from scorecards.models import ContractLevel, Perspective

from ..cycle import signing, workflow
from ..models import PerformanceContract
from .cycle import (
    MACHAKOS_INDICATORS,
    MACHAKOS_INSTITUTION,
    WATER_INDICATORS,
    WATER_INSTITUTION,
    _contract,
    _indicators,
    _targets,
    demo_request,
    vet_all,
)

# The year's final actual per target key: the ministry missed its irrigation and complaints targets and
# beat its boreholes; the county fell short on skilled deliveries and own-source revenue.
WATER_LAST_YEAR = {"T1": 93, "T2": 212, "T3": 17_500, "T4": 94, "T5": 2_050_000, "T6": 74}
MACHAKOS_LAST_YEAR = {"M1": 88, "M2": 72, "M3": 1_380_000_000, "M4": 48, "M5": 86}


def seed_last_year(admin):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["head", "principal", "secretariat", "vetting", "head2", "governor2", "pmu2", "vetting2"])}
    water = Institution.objects.get(slug="water")
    machakos = Institution.objects.get(slug="machakos")
    for institution, spec, actuals, indicators, people in (
        (water, WATER_INSTITUTION, WATER_LAST_YEAR, WATER_INDICATORS,
         ("head", "principal", "secretariat", "vetting")),
        (machakos, MACHAKOS_INSTITUTION, MACHAKOS_LAST_YEAR, MACHAKOS_INDICATORS,
         ("head2", "governor2", "pmu2", "vetting2")),
    ):
        head, principal, secretariat, vetting = (users[name] for name in people)
        contract = last_year_contract(admin, institution, spec, actuals, indicators, head, principal)
        if contract.status == PerformanceContract.Status.DRAFT:
            _sign_through(contract, head, principal, secretariat, vetting)


def last_year(institution) -> FinancialYear:
    """The institution's financial year before the current one (None before it is opened)."""
    current = FinancialYear.objects.get(institution=institution, is_current=True)
    return FinancialYear.objects.filter(institution=institution, end_date__lt=current.start_date).order_by(
        "-start_date").first()


def last_year_contract(admin, institution, spec, actuals, indicator_spec, performer, counterparty):
    current = FinancialYear.objects.get(institution=institution, is_current=True)
    # Opened as a past year: the current year stays current.
    year = org.open_financial_year(admin, institution, current.start_date.year - 1, make_current=False)
    setup.seed_defaults(admin, institution, year)
    categories = {p.code: p for p in Perspective.objects.filter(financial_year=year)}
    indicators = _indicators(admin, institution, indicator_spec)
    contract = _contract(admin, year, ContractLevel.INSTITUTION,
                         f"{institution.name}: performance contract {year}", performer, counterparty)
    rows = [(*row[:8], actuals[row[0]], None, row[10]) for row in spec]
    _targets(admin, contract, rows, categories, indicators, {})
    return contract


def _sign_through(contract, head, principal, secretariat, vetting):
    """Submitted, reviewed, agreed as drafted, vetted (a flagged target with the committee's reason) and
    signed by both parties."""
    from pmis.management.commands.seed_demo import PASSWORD  # the command imports this module

    workflow.submit(head, contract)
    workflow.pass_review(secretariat, contract, "Complete; weights balance per category.")
    workflow.conclude_negotiation(principal, contract, "Agreed as drafted.")
    vet_all(vetting, contract, "Seen; the figures match the sector plan.")
    workflow.approve_vetting(vetting, contract, "Targets SMART and aligned.")
    for signer in (head, principal):
        signing.sign(demo_request(signer), contract, password=PASSWORD, code=fresh_code(signer))


def fresh_code(user):
    """The signer's current code, usable again: the current year's contracts were signed with it moments
    ago, and a code works once."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return twofactor.current_code(user)

