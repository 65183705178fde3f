"""The audit trail in words: each action's label and sentence, the object types a person filters by, and
the before/after fields and values of an event as labels.

Action codes stay in the database (they are hashed into the chain); people read what this module makes of
them. The workflow's steps are audited as ``contract.<step>``, so the contract's history reads its step
labels from here as well.
"""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# code: (label, sentence). The sentence names the person (who) and the object (object, as recorded).
ACTIONS = {
    "admin.create": (_("Added in administration"), _("%(who)s added %(object)s in administration")),
    "admin.change": (_("Changed in administration"), _("%(who)s changed %(object)s in administration")),
    "admin.delete": (_("Deleted in administration"), _("%(who)s deleted %(object)s in administration")),
    "institution.create": (_("Institution created"), _("%(who)s created the institution %(object)s")),
    "institution.identity": (_("Name and coat of arms set"),
                             _("%(who)s set the Swahili name and coat of arms of %(object)s")),
    "org_unit.create": (_("Unit created"), _("%(who)s created the unit %(object)s")),
    "org_unit.name": (_("Unit's Swahili name set"), _("%(who)s set the Swahili name of the unit %(object)s")),
    "officer.create": (_("Officer added"), _("%(who)s added the officer %(object)s")),
    "role.grant": (_("Role granted"), _("%(who)s granted a role: %(object)s")),
    "financial_year.open": (_("Financial year opened"), _("%(who)s opened the financial year %(object)s")),
    "perspective.create": (_("Perspective created"), _("%(who)s created the perspective %(object)s")),
    "objective.create": (_("Objective created"), _("%(who)s created the objective %(object)s")),
    "indicator.create": (_("Indicator created"), _("%(who)s created the indicator %(object)s")),
    "band_table.create": (_("Grade bands created"), _("%(who)s created the grade bands %(object)s")),
    "band_table.update": (_("Grade bands changed"), _("%(who)s changed the grade bands %(object)s")),
    "scoring_policy.set": (_("Scoring rule set"), _("%(who)s set the scoring rule of %(object)s")),
    "calendar.default_set": (_("Calendar set"), _("%(who)s set the calendar of %(object)s")),
    "calendar.deadline_set": (_("Deadline set"), _("%(who)s set a deadline of %(object)s")),
    "contract.create": (_("Contract created"), _("%(who)s created the contract %(object)s")),
    "contract.submit": (_("Submitted for review"), _("%(who)s submitted the contract %(object)s for review")),
    "contract.comment": (_("Review comment"), _("%(who)s commented on the contract %(object)s")),
    "contract.return_to_draft": (_("Returned to the performer"),
        _("%(who)s returned the contract %(object)s to the performer")),
    "contract.pass_review": (_("Passed to negotiation"), _("%(who)s passed the contract %(object)s to negotiation")),
    "contract.conclude_negotiation": (_("Negotiation concluded"),
        _("%(who)s concluded the negotiation of the contract %(object)s")),
    "contract.approve_vetting": (_("Approved in vetting"), _("%(who)s approved the contract %(object)s in vetting")),
    "contract.return_from_vetting": (_("Returned from vetting"),
        _("%(who)s returned the contract %(object)s from vetting")),
    "contract.signature": (_("Signature"), _("%(who)s signed the contract %(object)s")),
    "contract.sign": (_("Signed by both parties"), _("The contract %(object)s was signed by both parties")),
    "contract.bring_into_force": (_("Brought into force"), _("%(who)s brought the contract %(object)s into force")),
    "contract.close": (_("Closed"), _("%(who)s closed the contract %(object)s")),
    "contract.amend": (_("Amendment opened"), _("%(who)s opened an amendment of the contract %(object)s")),
    "contract.counterparty": (_("Counter-party set"), _("%(who)s set the counter-party of the contract %(object)s")),
    "contract.document_request": (_("Document requested"),
        _("%(who)s asked for the document of the contract %(object)s")),
    "target.create": (_("Target added"), _("%(who)s added the target %(object)s")),
    "target.update": (_("Target changed"), _("%(who)s changed the target %(object)s")),
    "target.delete": (_("Target removed"), _("%(who)s removed the target %(object)s")),
    "target.negotiated": (_("Target negotiated"), _("%(who)s agreed a change to the target %(object)s")),
    "target.actual": (_("Actual recorded"), _("%(who)s recorded the actual of the target %(object)s")),
    "target.partner_confirm": (_("Partner confirmed"), _("%(who)s confirmed a shared target: %(object)s")),
    "target.partner_withdraw": (_("Partner withdrawn"), _("%(who)s withdrew a partner: %(object)s")),
    "negotiation.propose": (_("Change proposed"), _("%(who)s proposed a change: %(object)s")),
    "negotiation.accept": (_("Proposal accepted"), _("%(who)s accepted a proposal: %(object)s")),
    "negotiation.withdraw": (_("Proposal withdrawn"), _("%(who)s withdrew a proposal: %(object)s")),
    "vetting.check": (_("Target vetted"), _("%(who)s vetted the target %(object)s")),
    "vetting.cleared": (_("Vetting cleared"), _("%(who)s cleared the vetting of %(object)s")),
    "progress_report.open": (_("Report opened"), _("%(who)s opened the progress report %(object)s")),
    "progress_report.submit": (_("Report submitted"), _("%(who)s submitted the progress report %(object)s")),
    "progress_entry.report": (_("Progress reported"), _("%(who)s reported progress on %(object)s")),
    "progress_entry.accepted": (_("Progress accepted"), _("%(who)s accepted the progress on %(object)s")),
    "progress_entry.returned": (_("Progress returned"), _("%(who)s returned the progress on %(object)s")),
    "progress_entry.reopened": (_("Progress reopened"), _("%(who)s reopened the progress on %(object)s")),
    "evidence.add": (_("Evidence added"), _("%(who)s added evidence to %(object)s")),
    "appraisal.open": (_("Appraisal opened"), _("%(who)s opened the appraisal %(object)s")),
    "appraisal.feedback": (_("Feedback recorded"), _("%(who)s recorded feedback on %(object)s")),
    "appraisal.midyear": (_("Mid-year review"), _("%(who)s recorded the mid-year review of %(object)s")),
    "appraisal.self": (_("Self-appraisal"), _("%(who)s submitted the self-appraisal %(object)s")),
    "appraisal.supervisor": (_("Supervisor's appraisal"), _("%(who)s appraised %(object)s")),
    "appraisal.return": (_("Appraisal returned"), _("%(who)s returned the appraisal %(object)s")),
    "appraisal.countersign": (_("Appraisal countersigned"), _("%(who)s countersigned the appraisal %(object)s")),
    "appraisal.moderate": (_("Appraisal moderated"), _("%(who)s moderated the appraisal %(object)s")),
    "appraisal.result": (_("Result released"), _("%(who)s released the result of %(object)s")),
    "appraisal.acknowledge": (_("Result acknowledged"), _("%(who)s acknowledged the result of %(object)s")),
    "appraisal.accept": (_("Result accepted"), _("%(who)s accepted the result of %(object)s")),
    "appraisal.final": (_("Result final"), _("The result of %(object)s became final")),
    "appraisal.appeal": (_("Appeal lodged"), _("%(who)s appealed the result of %(object)s")),
    "appraisal.read": (_("Appraisal read"), _("%(who)s read the confidential appraisal %(object)s")),
    "appeal.hearing": (_("Hearing set"), _("%(who)s set a hearing of %(object)s")),
    "appeal.decide": (_("Appeal decided"), _("%(who)s decided the appeal %(object)s")),
    "moderation.open": (_("Moderation opened"), _("%(who)s opened the moderation %(object)s")),
    "moderation.close": (_("Moderation closed"), _("%(who)s closed the moderation %(object)s")),
    "outcome_rule.set": (_("Outcome rule set"), _("%(who)s set the outcome rule %(object)s")),
    "outcome_rule.remove": (_("Outcome rule removed"), _("%(who)s removed the outcome rule %(object)s")),
    "pip.open": (_("Improvement plan opened"), _("%(who)s opened the improvement plan %(object)s")),
    "pip.review": (_("Improvement plan reviewed"), _("%(who)s reviewed the improvement plan %(object)s")),
    "pip.close": (_("Improvement plan closed"), _("%(who)s closed the improvement plan %(object)s")),
    "charter.create": (_("Charter created"), _("%(who)s created the charter %(object)s")),
    "charter.update": (_("Charter changed"), _("%(who)s changed the charter %(object)s")),
    "charter.new_draft": (_("Charter redrafted"), _("%(who)s started a new draft of the charter %(object)s")),
    "charter.publish": (_("Charter published"), _("%(who)s published the charter %(object)s")),
    "charter.supersede": (_("Charter superseded"), _("The charter %(object)s was superseded")),
    "charter.service.create": (_("Service added"), _("%(who)s added the service %(object)s")),
    "charter.service.update": (_("Service changed"), _("%(who)s changed the service %(object)s")),
    "charter.service.delete": (_("Service removed"), _("%(who)s removed the service %(object)s")),
    "charter.compliance_feed.create": (_("Compliance feed created"), _("%(who)s linked %(object)s to an indicator")),
    "charter.compliance_feed.save": (_("Compliance feed changed"), _("%(who)s changed the compliance feed %(object)s")),
    "complaint.submit": (_("Complaint received"), _("A complaint was received: %(object)s")),
    "complaint.handle": (_("Complaint handled"), _("%(who)s handled the complaint %(object)s")),
    "report.request": (_("Report requested"), _("%(who)s asked for the report %(object)s")),
    "report.download": (_("Report downloaded"), _("%(who)s downloaded the report %(object)s")),
    "security.password_changed": (_("Password changed"), _("%(who)s changed their password")),
    "security.two_factor_enabled": (_("Second factor set up"), _("%(who)s set up a second factor")),
    "security.two_factor_replaced": (_("Second factor replaced"), _("%(who)s replaced their second factor")),
    "security.two_factor_disabled": (_("Second factor removed"), _("%(who)s removed the second factor of %(object)s")),
    "security.two_factor_reset": (_("Second factor reset"), _("%(who)s reset the second factor of %(object)s")),
    "security.backup_codes_regenerated": (_("Backup codes renewed"), _("%(who)s renewed their backup codes")),
    "security.logout_everywhere": (_("Signed out everywhere"), _("%(who)s signed out of every session")),
    "security.lockout": (_("Account locked"), _("The account %(object)s was locked after failed attempts")),
    "scale.seed": (_("Test data loaded"), _("%(who)s loaded test data into %(object)s")),
}

# The domain's object types a person may filter the trail by ("app_label.model").
OBJECT_TYPES = (
    "pmis.institution", "pmis.orgunit", "pmis.officer", "pmis.financialyear", "pmis.rolemembership",
    "scorecards.perspective", "scorecards.strategicobjective", "scorecards.indicator",
    "scorecards.bandtable", "scorecards.scoringpolicy",
    "contracts.performancecontract", "contracts.target", "contracts.progressreport", "contracts.progressentry",
    "contracts.negotiationround", "contracts.evidence", "contracts.partnerconfirmation", "contracts.vettingcheck",
    "contracts.contractcomment", "contracts.signature", "contracts.contractversion",
    "appraisals.appraisal", "appraisals.appeal", "appraisals.moderationsession", "appraisals.outcomerule",
    "appraisals.improvementplan",
    "charters.charter", "charters.service", "charters.complaint", "charters.compliancefeed",
    "reports.generatedreport", "notifications.cycledeadline", "notifications.stagedefault",
)

# Snapshot keys that are not a field of the audited model (or whose field has no useful name).
FIELDS = {
    "version": _("Version"), "side": _("Side"), "hash": _("Fingerprint"), "second_factor": _("Second factor"),
    "grade": _("Grade"), "comment": _("Comment"), "status": _("Status"), "score": _("Score"),
    "targets": _("Targets"), "reason": _("Reason"), "decision": _("Decision"), "role": _("Role"),
    "target": _("Target value"), "criteria": _("Criteria values"), "quarters": _("Quarterly targets"),
    "title": _("Title"), "parent": _("Cascades from"),
    "grade_sw": _("Grade in Swahili"), "lower": _("From"), "upper": _("To"), "limit": _("Limit"),
}

# Labels an app gives its own stored values: {(model label, key): function}. The core cannot import the apps
# that own band tables or grades, so they register here (``scorecards.apps``).
VALUE_LABELS = {}


def register_value_label(model_label: str, key: str, label):
    VALUE_LABELS[(model_label, key)] = label


def action_label(code: str) -> str:
    """A person's word for an action code; an unknown code reads as its object's kind changing."""
    known = ACTIONS.get(code)
    if known:
        return str(known[0])
    return gettext("Change")


def person(event) -> str:
    """Who acted, by their full name (the recorded login name when the account has none)."""
    actor = event.actor if event.actor_id else None
    if actor is not None:
        return actor.get_full_name() or actor.get_username()
    return event.actor_name or gettext("The system")


def sentence(event) -> str:
    """The event as a sentence: "Dr. Mercy Chepkemoi signed the contract Water (2026/27), version 1"."""
    template = ACTIONS.get(event.action, (None, _("%(who)s changed %(object)s")))[1]
    text = gettext(str(template)) % {"who": person(event), "object": event.object_repr or "—"}
    version = (event.after or {}).get("version") if isinstance(event.after, dict) else None
    if event.action == "contract.signature" and version:
        text = gettext("%(sentence)s, version %(version)s") % {"sentence": text, "version": version}
    return capfirst(text)


def object_type_choices():
    """[(code, label)] of the domain's object types, by label."""
    choices = []
    for code in OBJECT_TYPES:
        try:
            model = apps.get_model(code)
        except LookupError:
            continue
        choices.append((code, capfirst(str(model._meta.verbose_name))))
    return sorted(choices, key=lambda c: c[1].lower())


def action_choices():
    return sorted(((code, str(label)) for code, (label, _s) in ACTIONS.items()), key=lambda c: c[1].lower())


def _model(content_type):
    return content_type.model_class() if content_type is not None else None


def field_label(model, key: str) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(key)
            name = getattr(field, "verbose_name", None)
            if name:
                return capfirst(str(name))
        except Exception:  # noqa: BLE001, S110 - not a field of the model: the fallback names it
            pass
    if key in FIELDS:
        return str(FIELDS[key])
    return capfirst(key.replace("_", " "))


def value_label(model, key: str, value):
    """A stored value as a person reads it: a choice's label (``ready_to_sign`` → "Ready to sign"), or the
    label its app registered (a band table's name, a grade)."""
    own = VALUE_LABELS.get((model._meta.label_lower, key)) if model is not None else None
    if own is not None and isinstance(value, str):
        return own(value)
    if model is not None and isinstance(value, str):
        try:
            field = model._meta.get_field(key)
        except Exception:  # noqa: BLE001
            field = None
        choices = dict(getattr(field, "flatchoices", None) or ())
        if value in choices:
            return str(choices[value])
    return value
