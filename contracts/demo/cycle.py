"""Demo contracts for seed_demo: the ministry's institution contract cascaded to the Directorate
of Water Resources and on to one hydrogeologist, and a small county contract with one officer's
plan under it. Idempotent: whatever already exists is left alone, so a second run changes nothing.
"""


from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import RequestFactory

from pmis.models import FinancialYear, Institution, Officer, OrgUnit
from scorecards import setup
from scorecards.models import ContractLevel, Indicator, Perspective, StrategicObjective

from .. import partners
from ..cycle import negotiation, signing, workflow
from ..cycle import targets as writes
from ..models import PerformanceContract, Target

# key: (name, measurement type, unit, direction)
WATER_INDICATORS = {
    "ABS": ("Absorption of the development budget", "percentage", "%", "higher"),
    "BH": ("Boreholes drilled and commissioned", "number", "boreholes", "higher"),
    "SV": ("Hydrogeological surveys completed", "number", "surveys", "higher"),
    "IRR": ("Land brought under irrigation", "number", "acres", "higher"),
    "WQ": ("Water samples meeting quality standards", "percentage", "%", "higher"),
    "TREES": ("Tree seedlings planted in water towers", "number", "seedlings", "higher"),
    "CMP": ("Complaints resolved within 14 days", "percentage", "%", "higher"),
    "TAT": ("Average days to analyse a water sample", "number", "days", "lower"),
}
MACHAKOS_INDICATORS = {
    "ABS": ("Absorption of the development budget", "percentage", "%", "higher"),
    "SBA": ("Deliveries attended by skilled health workers", "percentage", "%", "higher"),
    "OSR": ("Own-source revenue collected", "currency", "KES", "higher"),
    "SHA": ("Households registered for Social Health Authority cover", "percentage", "%", "higher"),
    "CMP": ("Complaints resolved within 14 days", "percentage", "%", "higher"),
    "ANC": ("Antenatal outreach clinics held", "number", "clinics", "higher"),
    "HH": ("Households registered for health cover", "number", "households", "higher"),
}
# (category, objective, the institution targets serving it)
WATER_OBJECTIVES = [
    ("CM", "Increase access to safe and reliable water", ["T2"]),
    ("CM", "Expand irrigated agriculture for food security", ["T3"]),
    ("SD", "Improve the quality of water supplied", ["T4"]),
]

# (key, category, indicator, description, weight, baseline, target, criteria excellent→poor, actual,
#  parent key, budget)
WATER_INSTITUTION = [
    ("T1", "FS", "ABS", "Absorb at least 95% of the development budget", 10, 78, 95,
     (100, 95, 90, 85, 80), 91, None, None),
    ("T2", "CM", "BH", "Drill and commission 200 public boreholes in arid and semi-arid counties", 30, 120, 200,
     (220, 200, 180, 160, 140), 205, None, 1_800_000_000),
    ("T3", "CM", "IRR", "Bring 20,000 acres of new land under irrigation", 20, 12_000, 20_000,
     (22_000, 20_000, 18_000, 16_000, 14_000), None, None, 2_400_000_000),
    ("T4", "SD", "WQ", "Raise the share of water samples meeting KEBS standards to 95%", 15, 88, 95,
     (98, 95, 92, 90, 88), 93, None, None),
    ("T5", "PD", "TREES", "Plant 2 million tree seedlings in the water towers (15 billion trees directive)", 10,
     0, 2_000_000, (2_200_000, 2_000_000, 1_800_000, 1_600_000, 1_400_000), 1_900_000, None, 150_000_000),
    ("T6", "CC", "CMP", "Resolve 85% of public complaints within 14 days", 15, 60, 85,
     (90, 85, 80, 75, 70), 78, None, None),
]
WATER_UNIT = [
    ("U1", "CM", "BH", "Drill and commission 150 boreholes in ASAL counties", 30, 90, 150,
     (165, 150, 135, 120, 105), 152, "T2", 1_350_000_000),
    ("U2", "CM", "SV", "Complete hydrogeological surveys for 60 new borehole sites", 20, 40, 60,
     (66, 60, 54, 48, 42), 58, "T2", 45_000_000),
    ("U3", "SD", "WQ", "Test borehole water samples to KEBS standards", 15, 88, 95,
     (98, 95, 92, 90, 88), 94, "T4", None),
    ("U4", "FS", "ABS", "Absorb the directorate's development budget", 10, 80, 95,
     (100, 95, 90, 85, 80), 89, "T1", None),
    ("U5", "PD", "TREES", "Plant 500,000 seedlings in the Mau and Aberdare water towers", 10, 0, 500_000,
     (550_000, 500_000, 450_000, 400_000, 350_000), None, "T5", 40_000_000),
    ("U6", "CC", "CMP", "Resolve borehole service complaints within 14 days", 15, 60, 85,
     (90, 85, 80, 75, 70), 82, "T6", None),
]
WATER_OFFICER = [
    ("O1", "CM", "BH", "Site and supervise the drilling of 24 boreholes in Turkana and Marsabit", 40, 10, 24,
     None, 22, "U1", None),
    ("O2", "CM", "SV", "Write 12 hydrogeological survey reports", 30, 8, 12, None, 13, "U2", None),
    ("O3", "SD", "TAT", "Analyse borehole water samples within 5 days of collection", 20, 9, 5,
     None, "5.5", "U3", None),
    ("O4", "CC", "CMP", "Respond to 90% of complaints about borehole sites within 14 days", 10, 70, 90,
     None, 81, "U6", None),
]
MACHAKOS_INSTITUTION = [
    ("M1", "FS", "ABS", "Absorb at least 95% of the county development budget", 10, 71, 95,
     (100, 95, 90, 85, 80), 86, None, None),
    ("M2", "CM", "SBA", "Raise skilled deliveries in county facilities to 80%", 50, 68, 80,
     (85, 80, 75, 70, 65), 78, None, 320_000_000),
    ("M3", "SD", "OSR", "Collect KES 1.6 billion in own-source revenue", 15, 1_200_000_000, 1_600_000_000,
     (1_800_000_000, 1_600_000_000, 1_400_000_000, 1_200_000_000, 1_000_000_000), 1_450_000_000, None, None),
    ("M4", "PD", "SHA", "Register 60% of households for Social Health Authority cover", 10, 20, 60,
     (70, 60, 50, 40, 30), 55, None, None),
    ("M5", "CC", "CMP", "Resolve 85% of public complaints within 14 days", 15, 64, 85,
     (90, 85, 80, 75, 70), 88, None, None),
]
MACHAKOS_OFFICER = [
    ("MO1", "CM", "ANC", "Hold 48 antenatal outreach clinics in Mwala sub-county", 60, 30, 48, None, 45, "M2",
     None),
    ("MO2", "PD", "HH", "Register 5,000 households in Mwala sub-county for health cover", 40, 1_200, 5_000,
     None, 4_200, "M4", None),
]


@transaction.atomic
def seed_contracts(admin):
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["head", "principal", "director", "officer", "supervisor", "head2", "officer2", "perfdept"])}
    water = Institution.objects.get(slug="water")
    machakos = Institution.objects.get(slug="machakos")

    # The ministry: institution → Directorate of Water Resources → one hydrogeologist.
    year = FinancialYear.objects.get(institution=water, is_current=True)
    setup.seed_defaults(admin, water, year)
    categories = {p.code: p for p in Perspective.objects.filter(financial_year=year)}
    objectives = _objectives(admin, categories, WATER_OBJECTIVES)
    indicators = _indicators(admin, water, WATER_INDICATORS)
    found = {}
    ministry = _contract(admin, year, ContractLevel.INSTITUTION, f"{water.name}: performance contract {year}",
                         users["head"], users["principal"])
    _targets(admin, ministry, WATER_INSTITUTION, categories, indicators, found, objectives)
    ministry_t5 = Target.objects.get(contract=ministry, description=WATER_INSTITUTION[4][3])
    if not ministry_t5.partner_institutions.exists():
        writes.update_target(admin, ministry_t5, partner_institutions=[machakos])
    # Naming a partner proves nothing: the performance department over both confirms the county's part.
    if "perfdept" in users:
        partners.confirm_partner(users["perfdept"], ministry_t5, machakos)

    unit = OrgUnit.objects.get(institution=water, name="Directorate of Water Resources")
    directorate = _contract(admin, year, ContractLevel.UNIT, f"{unit.name}: performance contract {year}",
                            users["director"], users["head"], org_unit=unit)
    _targets(admin, directorate, WATER_UNIT, categories, indicators, found)

    officer = Officer.objects.get(user=users["officer"])
    plan = _contract(admin, year, ContractLevel.OFFICER, f"{officer}: annual work plan {year}",
                     users["officer"], users["supervisor"], officer=officer)
    _targets(admin, plan, WATER_OFFICER, categories, indicators, found)

    # The county: a small institution contract and one officer's plan directly under it.
    year2 = FinancialYear.objects.get(institution=machakos, is_current=True)
    setup.seed_defaults(admin, machakos, year2)
    categories2 = {p.code: p for p in Perspective.objects.filter(financial_year=year2)}
    indicators2 = _indicators(admin, machakos, MACHAKOS_INDICATORS)
    found2 = {}
    county = _contract(admin, year2, ContractLevel.INSTITUTION, f"{machakos.name}: performance contract {year2}",
                       users["head2"], None)
    _targets(admin, county, MACHAKOS_INSTITUTION, categories2, indicators2, found2)
    officer2 = Officer.objects.get(user=users["officer2"])
    plan2 = _contract(admin, year2, ContractLevel.OFFICER, f"{officer2}: annual work plan {year2}",
                      users["officer2"], users["head2"], officer=officer2)
    _targets(admin, plan2, MACHAKOS_OFFICER, categories2, indicators2, found2)
    advance(ministry, directorate, plan2, users)


def demo_request(user):
    """A request for signing outside the web (the seed): signing reads its user and browser."""
    request = RequestFactory().post("/", HTTP_USER_AGENT="seed_demo")
    request.user = user
    return request


def advance(ministry, directorate, plan2, users):
    """Carry the demo contracts to where the cycle is interesting: the ministry's contract signed and
    in force, the directorate's in negotiation with a proposal waiting for the director, the county
    officer's plan in negotiation. Contracts past their draft are left alone, so reruns change nothing."""
    from pmis.management.commands.seed_demo import PASSWORD  # the command imports this module

    User = get_user_model()
    secretariat = User.objects.get(username="secretariat")
    vetting = User.objects.get(username="vetting")
    pmu2 = User.objects.get(username="pmu2")
    head, principal, director = users["head"], users["principal"], users["director"]

    if ministry.status == PerformanceContract.Status.DRAFT:
        workflow.submit(head, ministry)
        first = Target.objects.filter(contract=ministry).order_by("order", "pk").first()
        workflow.comment(secretariat, ministry, "Quote the baseline source (2025 annual report).", target=first)
        workflow.pass_review(secretariat, ministry, "Complete; weights balance per category.")
        proposal = workflow.propose(principal, first, {"target_value": first.target_value + 2},
                                    "The sector plan asks for more this year.")
        negotiation.accept(head, proposal, "Agreed with the added funding.")
        workflow.conclude_negotiation(principal, ministry, "Negotiated on 14 July.")
        vet_all(vetting, ministry, "Raised to 97% in negotiation with the added funding; the criteria stay at "
                                   "the sector's levels.")
        workflow.approve_vetting(vetting, ministry, "Targets SMART and aligned to the sector plan.")
        for signer in (head, principal):
            signing.sign(demo_request(signer), ministry, password=PASSWORD,
                         code=demo_totp(signer))

    if directorate.status == PerformanceContract.Status.DRAFT:
        workflow.submit(director, directorate)
        workflow.pass_review(secretariat, directorate)
        target = Target.objects.filter(contract=directorate).order_by("order", "pk").first()
        workflow.propose(head, target, {"weight": target.weight, "target_value": target.target_value + 1},
                         "One more: the county boreholes are co-funded this year.")

    if plan2.status == PerformanceContract.Status.DRAFT:
        workflow.submit(plan2.performer, plan2)
        workflow.pass_review(pmu2, plan2)
        target = Target.objects.filter(contract=plan2).order_by("order", "pk").first()
        workflow.propose(plan2.counterparty, target, {"target_value": target.target_value + 1},
                         "Raise it by one clinic visit.")


def vet_all(vetting, contract, reason):
    """Pass every target of ``contract``; a flagged one (``vetting.flags``) passes only with the committee's
    ``reason``, as on the vetting form."""
    from ..cycle import vetting as vetting_rules

    for target in Target.objects.filter(contract=contract).order_by("order", "pk"):
        flagged = vetting_rules.flags(target)
        workflow.vet_target(vetting, target, smart=True, aligned=True, comment=reason if flagged else "")


def demo_totp(user):
    """The current authentication code of a demo signatory (they enrol with a known key)."""
    from pmis import twofactor

    return twofactor.current_code(user)


def _indicators(actor, institution, spec):
    existing = {i.name: i for i in Indicator.objects.filter(institution=institution)}
    result = {}
    for key, (name, kind, unit, direction) in spec.items():
        result[key] = existing.get(name) or setup.add_indicator(
            actor, institution, name=name, measurement_type=kind, unit=unit, direction=direction)
    return result


def _objectives(actor, categories, spec):
    """{target key: objective}, creating the objectives that are missing."""
    existing = {o.name: o for o in StrategicObjective.objects.filter(perspective__in=categories.values())}
    result = {}
    for order, (code, name, keys) in enumerate(spec, start=1):
        objective = existing.get(name) or setup.add_objective(actor, categories[code], name=name, order=order)
        result.update(dict.fromkeys(keys, objective))
    return result


def _contract(actor, year, level, title, performer, counterparty, org_unit=None, officer=None):
    lookup = {"financial_year": year, "level": level}
    if level == ContractLevel.UNIT:
        lookup["org_unit"] = org_unit
    if level == ContractLevel.OFFICER:
        lookup["officer"] = officer
    existing = PerformanceContract.objects.filter(**lookup).first()
    return existing or writes.create_contract(
        actor, financial_year=year, level=level, title=title, performer=performer, counterparty=counterparty,
        org_unit=org_unit, officer=officer)


def _number(value):
    return None if value is None else Decimal(str(value))


def _targets(actor, contract, spec, categories, indicators, found, objectives=None):
    """Add the spec's targets that the contract lacks; ``found`` maps spec keys to targets."""
    existing = {t.description: t for t in Target.objects.filter(contract=contract)}
    for order, row in enumerate(spec, start=1):
        key, category, indicator, description, weight, baseline, target, criteria, actual, parent, budget = row
        if description in existing:
            found[key] = existing[description]
            continue
        levels = dict(zip(("excellent", "very_good", "good", "fair", "poor"), criteria or (None,) * 5, strict=True))
        objective = (objectives or {}).get(key)
        found[key] = writes.add_target(
            actor, contract,
            perspective=categories[category], objective=objective, indicator=indicators[indicator],
            description=description, weight=_number(weight), baseline=_number(baseline),
            target_value=_number(target), budget_allocated=_number(budget), actual=_number(actual),
            parent=found.get(parent) if parent else None, order=order,
            **{f"criteria_{level}": _number(value) for level, value in levels.items()},
        )
