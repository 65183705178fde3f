"""(3) Contract history."""

from django.db.models import Q
from django.utils.translation import gettext as _

from pmis import activity
from pmis.models import AuditEvent

from .contract_sections import _contract_summary, _signatures, _transitions, _versions
from .formatting import when


def contract_events(contract):
    """The audit events about the contract and the records that hang off it, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from contracts.models import ContractDocument, ContractVersion, NegotiationRound, Signature, Target

    def of(model, ids):
        return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids])

    where = Q(content_type=ContentType.objects.get_for_model(contract), object_id=str(contract.pk))
    for model in (Target, ContractVersion, NegotiationRound, Signature, ContractDocument):
        ids = list(model.objects.filter(contract=contract).values_list("pk", flat=True))
        if ids:
            where |= of(model, ids)
    return AuditEvent.objects.filter(where, institution_id=contract.institution_id).order_by("seq")


def build_history(params, *, user, progress):
    from contracts import selectors

    contract = selectors.contracts().get(pk=params["contract"])
    progress(20)
    events = [
        {"seq": e.seq, "when": when(e.created_at), "actor": activity.person(e),
         "action": activity.action_label(e.action),
         "object": e.object_repr, "hash": e.hash, "prev_hash": e.prev_hash}
        for e in contract_events(contract).select_related("actor")
    ]
    progress(60)
    data = {
        "title": _("Contract history — %(title)s") % {"title": contract.title},
        "institution": contract.institution.name,
        "year": contract.financial_year.name,
        "contract": _contract_summary(contract, None),
        "versions": _versions(contract),
        "transitions": _transitions(contract),
        "signatures": _signatures(contract),
        "events": events,
    }
    data["tables"] = [
        {"name": _("Versions"), "columns": [_("Version"), _("SHA-256"), _("Created"), _("Fully signed"),
                                            _("Reason for the amendment")],
         "rows": [[v["number"], v["content_hash"], v["created"], v["signed"], v["amendment_reason"]]
                  for v in data["versions"]]},
        {"name": _("Transitions"), "columns": [_("When"), _("Action"), _("From"), _("To"), _("Version"), _("By"),
                                               _("Comment")],
         "rows": [[t["when"], t["action"], t["from"], t["to"], t["version"], t["by"], t["comment"]]
                  for t in data["transitions"]]},
        {"name": _("Signatures"), "columns": [_("Version"), _("Signed as"), _("Signer"), _("Role"), _("SHA-256"),
                                              _("Signed at"), _("IP address"), _("Second factor")],
         "rows": [[s["version"], s["side"], s["signer"], s["role"], s["content_hash"], s["signed_at"], s["ip"],
                   _("yes") if s["second_factor"] else _("no")] for s in data["signatures"]]},
        {"name": _("Audit events"), "columns": [_("No."), _("When"), _("Who"), _("Action"), _("Object"),
                                                _("Hash"), _("Previous hash")],
         "rows": [[e["seq"], e["when"], e["actor"], e["action"], e["object"], e["hash"], e["prev_hash"]]
                  for e in events]},
    ]
    progress(90)
    return data
