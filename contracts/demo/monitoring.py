"""Demo monitoring for seed_demo: quarterly progress on the in-force institution contracts.

The ministry reports Q1 (all verified) and Q2 (partly pending). The county's institution contract is
carried through the cycle to in force first (a governor signs as the principal; a county vetting
member vets), then reports Q1 (verified) and Q2 (partly verified). Everything goes through the
workflow and monitoring functions; contracts past their draft and reports already open are left
alone, so a second run changes nothing.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from pmis import audit, org, twofactor
from pmis.models import Institution, Role

from .. import monitoring
from ..cycle import signing, workflow
from ..models import Evidence, PerformanceContract, ProgressEntry, ProgressReport, Target

# Actual to date per target (in the contract's order) for Q1 and Q2; (value, spent share of budget).
# The ministry's Q2 figures are the demo's seeded actuals; irrigation is not reported yet.
WATER = {
    1: [(88, None), (150, Decimal("0.22")), None, (93, None), (1_500_000, Decimal("0.3")), (78, None)],
    2: [(91, None), (205, Decimal("0.55")), None, (93, None), (1_900_000, Decimal("0.62")), (78, None)],
}
MACHAKOS = {
    1: [(80, None), (74, Decimal("0.2")), (1_250_000_000, None), (45, None), (83, None)],
    2: [(86, None), (78, Decimal("0.45")), (1_450_000_000, None), (55, None), (88, None)],
}
# Q2 entries the performance officer has not verified yet (by position).
PENDING_Q2 = {"water": {3, 5}, "machakos": {3}}
EXPLANATION = "Procurement of drilling rigs was delayed by a tender appeal."
REMEDY = "Framework contract signed; two extra rigs mobilised from next month."
PDF = b"%PDF-1.4\n% PMIS demo evidence\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def seed_monitoring(admin):
    from pmis.management.commands.seed_demo import DEMO_TOTP_KEY, PASSWORD

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["head", "secretariat", "head2", "pmu2"])}
    water = Institution.objects.get(slug="water")
    machakos = Institution.objects.get(slug="machakos")
    ministry = PerformanceContract.objects.get(institution=water, level="institution", financial_year__is_current=True)
    county = PerformanceContract.objects.get(institution=machakos, level="institution",
                                             financial_year__is_current=True)

    if county.status == PerformanceContract.Status.DRAFT:
        governor, _ = org.ensure_user("governor2", first_name="H.E. Wavinya", last_name="Ndeti", password=PASSWORD)
        org.grant_role(admin, governor, machakos, Role.PRINCIPAL)
        twofactor.enrol_with_key(governor, DEMO_TOTP_KEY)
        vetting2, _ = org.ensure_user("vetting2", first_name="Dr. Peter", last_name="Mulwa", password=PASSWORD)
        org.grant_role(admin, vetting2, machakos, Role.VETTING)
        before = audit.snapshot(county, ["counterparty"])
        county.counterparty = governor
        county.save(update_fields=["counterparty"])
        audit.record(admin, "contract.counterparty", county, before, audit.snapshot(county, ["counterparty"]))
        head2, pmu2 = users["head2"], users["pmu2"]
        workflow.submit(head2, county)
        workflow.pass_review(pmu2, county, "Complete.")
        workflow.conclude_negotiation(governor, county, "Agreed at the county executive committee.")
        from .cycle import demo_request, vet_all

        vet_all(vetting2, county, "Seen; the figures match the CIDP.")
        workflow.approve_vetting(vetting2, county, "Targets SMART and aligned to the CIDP.")
        for signer in (head2, governor):
            signing.sign(demo_request(signer), county, password=PASSWORD, code=twofactor.current_code(signer))
        county.refresh_from_db()

    _report(ministry, WATER, users["head"], users["secretariat"], PENDING_Q2["water"])
    _report(county, MACHAKOS, users["head2"], users["pmu2"], PENDING_Q2["machakos"])


def _report(contract, spec, reporter, verifier, pending_q2):
    contract.refresh_from_db()
    if contract.status not in monitoring.REPORTABLE:
        return
    target_list = list(Target.objects.filter(contract=contract).order_by("perspective__order", "order", "pk"))
    for period, values in spec.items():
        if ProgressReport.objects.filter(contract=contract, period=period).exists():
            continue
        report = monitoring.open_report(reporter, contract, period)
        entries = []
        for target, figures in zip(target_list, values, strict=False):
            if figures is None:
                continue
            value, spent = figures
            actual = Decimal(value)
            red = monitoring.entry_rag(contract, target, actual, period) == "red"
            entries.append(monitoring.report_actual(
                reporter, report, target, actual=actual,
                status=ProgressEntry.Status.OFF_TRACK if red else ProgressEntry.Status.ON_TRACK,
                comment="Figures from the quarterly M&E returns.",
                explanation=EXPLANATION if red else "", remedial_action=REMEDY if red else "",
                budget_spent=(target.budget_allocated * spent).quantize(Decimal(1))
                if spent is not None and target.budget_allocated else None,
            ))
        first = entries[0]
        if not Evidence.objects.filter(entry=first).exists():
            evidence = Evidence(entry=first, institution_id=first.institution_id,
                                original_name=f"Q{period}-returns.pdf", content_type="application/pdf",
                                size=len(PDF), uploaded_by=reporter)
            evidence.file.save("upload", ContentFile(PDF), save=False)
            evidence.save()
            audit.record(reporter, "evidence.add", evidence, None, {"original_name": evidence.original_name})
        monitoring.submit_report(reporter, report)
        for entry in entries:
            if period == 2 and target_list.index(entry.target) in pending_q2:
                continue
            monitoring.verify(verifier, entry, "accepted", "Checked against the returns.")
