"""What contracts and their quarterly reports wait for, and from whom (work inbox providers).

Each answer asks the contracts app's own may-act functions: ``workflow.can`` for each step of the
cycle (with ``workflow.parts_of`` giving the candidate's parts), ``signing.may_sign`` for the
signatures still missing, ``monitoring.can_report`` for reporting and ``monitoring.may_verify`` for
verification. The candidates are the contract's parties and the holders of the roles that make
someone a party (``workflow.PART_OF_ROLE``) in its institution.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts import monitoring
from contracts.cycle import signing, workflow
from contracts.models import (
    NegotiationRound,
    PerformanceContract,
    ProgressEntry,
    ProgressReport,
    Signature,
    Target,
)
from pmis.models import Role
from scorecards import profiles

from .inbox import Kind, Provider, Want, active_users, holders
from .models import CycleDeadline, Stage

Status = PerformanceContract.Status


def _ints(ids):
    return {int(i) for i in ids if str(i).isdigit()}


def _contracts_of(model, path="contract_id"):
    def resolve(ids):
        return set(model.objects.filter(pk__in=_ints(ids)).values_list(path, flat=True))

    return resolve


#: the cycle's stage whose deadline a contract state works to (for "due" and "overdue")
STAGE_OF = {
    Status.DRAFT: Stage.TARGET_IDENTIFICATION,
    Status.SUBMITTED: Stage.PRE_NEGOTIATION,
    Status.NEGOTIATION: Stage.NEGOTIATION,
    Status.AGREED: Stage.VETTING,
    Status.READY_TO_SIGN: Stage.SIGNING,
}


def stage_deadlines(year_ids) -> dict[tuple[int, str], datetime.date]:
    return {(y, s): d for y, s, d in CycleDeadline.objects.filter(financial_year_id__in=set(year_ids))
            .values_list("financial_year_id", "stage", "due_date")}


class Contracts(Provider):
    """The contracting cycle: submit, review, answer a proposal, record agreement, vet, sign."""

    subject_type = "contract"
    kinds = (
        Kind("contract_submit", _("Finish the plan and submit it for review"), "contracts"),
        Kind("contract_review", _("Review the submitted plan"), "contracts",
             whom=_("the performance secretariat")),
        Kind("contract_answer", _("Answer the proposal in negotiation"), "contracts"),
        Kind("contract_agree", _("Record agreement and send to vetting"), "contracts"),
        Kind("contract_vet", _("Vet the agreed targets"), "contracts", whom=_("the vetting committee")),
        Kind("contract_sign", _("Sign the contract"), "contracts"),
    )
    watches = {
        "contracts.performancecontract": _ints,
        "contracts.target": _contracts_of(Target),
        "contracts.negotiationround": _contracts_of(NegotiationRound),
    }

    def wanted(self, ids, today):
        contracts = list(PerformanceContract.objects.filter(pk__in=ids, status__in=list(STAGE_OF)))
        if not contracts:
            return []
        live = [c.pk for c in contracts]
        roles = holders({c.institution_id for c in contracts}, workflow.PART_OF_ROLE)
        rounds = defaultdict(list)
        for contract_id, proposer in NegotiationRound.objects.filter(
            contract_id__in=live, state=NegotiationRound.State.OPEN
        ).values_list("contract_id", "proposed_by_id"):
            rounds[contract_id].append(proposer)
        signed = defaultdict(set)
        for contract_id, number, side in Signature.objects.filter(contract_id__in=live).values_list(
            "contract_id", "version__number", "side"
        ):
            signed[(contract_id, number)].add(side)
        deadlines = stage_deadlines(c.financial_year_id for c in contracts)
        people = {c.performer_id for c in contracts} | {c.counterparty_id for c in contracts}
        people |= {u for by_user in roles.values() for u in by_user}
        active = active_users(people)
        wants = []
        for c in contracts:
            held = roles.get(c.institution_id, {})
            candidates = ({c.performer_id, c.counterparty_id} | set(held)) & active.keys()
            due = deadlines.get((c.financial_year_id, STAGE_OF[c.status]))
            for user_id in sorted(candidates):
                kind = self.kind_for(active[user_id], c, held.get(user_id, set()), rounds.get(c.pk, []),
                                     signed.get((c.pk, c.version), set()))
                if kind:
                    wants.append(Want(user_id, kind, c.pk, c.institution_id, c.title, c.get_absolute_url(),
                                      due=due, since=c.status_changed_at or c.created_at))
        return wants

    @staticmethod
    def kind_for(user, contract, roles, open_rounds, signed_sides):
        parts = workflow.parts_of(user, contract, roles)

        def can(action):
            return workflow.can(user, contract, action, parts)

        status = contract.status
        if status == Status.DRAFT and can("submit"):
            return "contract_submit"
        if status == Status.SUBMITTED and can("pass_review"):
            return "contract_review"
        if status == Status.NEGOTIATION:
            both = {workflow.PERFORMER, workflow.COUNTERPARTY} <= parts
            # The other side answers a proposal (workflow.open_round), unless one person holds both.
            if open_rounds and can("answer") and any(p != user.pk or both for p in open_rounds):
                return "contract_answer"
            if not open_rounds and can("conclude_negotiation"):
                return "contract_agree"
            return None
        if status == Status.AGREED and can("approve_vetting"):
            return "contract_vet"
        if status == Status.READY_TO_SIGN and signing.may_sign(user, contract, signed_sides, parts):
            return "contract_sign"
        return None


class Reports(Provider):
    """Quarterly progress: report when a quarter has ended, correct returned entries, verify."""

    subject_type = "contract"
    kinds = (
        Kind("report_due", _("Report progress for quarter %(n)s"), "reports", name=_("Report a quarter's progress")),
        Kind("report_fix", _("Correct the returned entries of quarter %(n)s"), "reports",
             name=_("Correct returned progress entries")),
        Kind("report_verify", _("Verify the progress reported for quarter %(n)s"), "reports",
             whom=_("the performance officers"), name=_("Verify reported progress")),
    )
    watches = {
        "contracts.performancecontract": _ints,
        "contracts.progressreport": _contracts_of(ProgressReport),
        "contracts.progressentry": _contracts_of(ProgressEntry, "report__contract_id"),
    }

    def due_subjects(self, today):
        # Institutions without quarterly reports too: ``wanted`` answers nothing there, so the sweep closes
        # what was open before their profile turned reports off.
        return PerformanceContract.objects.filter(
            status__in=list(monitoring.REPORTABLE), financial_year__is_current=True,
            financial_year__start_date__lte=today,
        ).order_by("pk").values_list("pk", flat=True)

    def wanted(self, ids, today):
        contracts = {c.pk: c for c in PerformanceContract.objects.filter(
            pk__in=ids, status__in=list(monitoring.REPORTABLE)).select_related("financial_year")}
        # No quarterly reports in the institution's profile: nothing of this provider waits there.
        on = profiles.with_quarterly_reports({c.institution_id for c in contracts.values()})
        contracts = {pk: c for pk, c in contracts.items() if c.institution_id in on}
        if not contracts:
            return []
        reports = {(r.contract_id, r.period): r for r in ProgressReport.objects.filter(contract_id__in=list(contracts))}
        open_entries = defaultdict(list)
        submitted = [r.pk for r in reports.values() if r.state == ProgressReport.State.SUBMITTED]
        for entry in ProgressEntry.objects.filter(report_id__in=submitted).filter(
            Q(verification=ProgressEntry.Verification.PENDING) | Q(verification=ProgressEntry.Verification.RETURNED)
        ).only("pk", "report_id", "institution_id", "verification", "reported_by_id"):
            open_entries[entry.report_id].append(entry)
        roles = holders({c.institution_id for c in contracts.values()}, workflow.PART_OF_ROLE)
        people = {c.performer_id for c in contracts.values()} | {u for by_user in roles.values() for u in by_user}
        active = active_users(people)
        wants = []
        for c in contracts.values():
            held = roles.get(c.institution_id, {})
            performer = active.get(c.performer_id)
            may_report = performer is not None and monitoring.can_report(
                performer, c, held.get(c.performer_id, set()))
            reports_url = reverse("monitoring-contract-reports", args=[c.pk])
            for period in monitoring.PERIODS:
                _start, end, due = monitoring.period_dates(c.financial_year, period)
                report = reports.get((c.pk, period))
                if report is None or report.state == ProgressReport.State.DRAFT:
                    if end < today and may_report:
                        url = report.get_absolute_url() if report else reports_url
                        wants.append(Want(c.performer_id, "report_due", c.pk, c.institution_id, c.title, url,
                                          number=period, due=due, since=_day_after(end)))
                    continue
                entries = open_entries.get(report.pk, [])
                url = report.get_absolute_url()
                if may_report and any(e.verification == ProgressEntry.Verification.RETURNED for e in entries):
                    wants.append(Want(c.performer_id, "report_fix", c.pk, c.institution_id, c.title, url,
                                      number=period, due=due))
                pending = [e for e in entries if e.verification == ProgressEntry.Verification.PENDING]
                if not pending:
                    continue
                report.contract = c
                for user_id in sorted(u for u, r in held.items() if Role.PERFORMANCE_OFFICER in r and u in active):
                    verifier = active[user_id]
                    # One entry per reporter stands for the rest: may_verify depends on the reporter only.
                    samples = {e.reported_by_id: e for e in pending}.values()
                    for entry in samples:
                        entry.report = report
                    if any(monitoring.may_verify(verifier, e, held[user_id]) for e in samples):
                        wants.append(Want(user_id, "report_verify", c.pk, c.institution_id, c.title, url,
                                          number=period, since=report.submitted_at))
        return wants


def _day_after(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
