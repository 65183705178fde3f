"""The work inbox through the demo cycle: the hydrogeologist's plan goes from draft to signed and through
quarter 1's report and its verification, one request at a time. After each step the next actor's home
page and /api/v1/tasks/ list exactly that step's item on the plan, the previous actor's no longer do, and
each next actor has received exactly one in-app notification and one email about it, also when the
step's request is sent again."""

import datetime

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import monitoring
from contracts.cycle import vetting as vetting_rules
from contracts.models import NegotiationRound, ProgressEntry, ProgressReport, Target
from notifications import inbox, sender
from notifications.models import Notification, Outbox, WorkItem
from pmis import twofactor

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def quarter_one_over(cycle, monkeypatch):
    """The inbox's today: 20 days after quarter 1 ended (its report due 15 days after), so its report
    is overdue, whatever the real date."""
    _start, end, _due = monitoring.period_dates(cycle.year, 1)
    day = end + datetime.timedelta(days=20)
    monkeypatch.setattr(inbox, "today", lambda: day)
    return day


class Journey:
    def __init__(self, cycle, client, capture):
        self.cycle, self.client, self.capture = cycle, client, capture
        self.plan = cycle.plan
        self.people = {"officer": cycle.performer, "supervisor": cycle.counterparty,
                       "secretariat": cycle.secretariat, "vetting": cycle.vetting}
        self.told = {name: 0 for name in self.people}
        # What the demo seed left to send is delivered first: the journey counts from here.
        sender.send_pending()
        mail.outbox.clear()
        self.before = {name: Notification.objects.filter(
            user=user, outbox__item__subject_type="contract", outbox__item__subject_id=self.plan.pk).count()
            for name, user in self.people.items()}

    def post(self, who, url, data=None, expect=(200, 201, 302)):
        """POST as ``who``, running what the request leaves for after its commit (the inbox's resync,
        the outbox sender) as a real commit would."""
        self.client.force_login(self.people[who])
        with self.capture(execute=True):
            response = self.client.post(url, data or {}, content_type="application/json") \
                if url.startswith("/api/") else self.client.post(url, data or {})
        assert response.status_code in expect, (url, response.status_code, response.content[:500])
        return response

    def on_plan(self, who):
        """(kind, number) of the plan's items on ``who``'s home page and in the API."""
        user = self.people[who]
        self.client.force_login(user)
        panels = {p.key: p for p in self.client.get("/").context["attention"]["panels"]}
        home = {(row.item.kind, row.item.number) for row in panels["inbox"].items
                if row.item.subject_type == "contract" and row.item.subject_id == self.plan.pk}
        rows = self.client.get("/api/v1/tasks/").json()["results"]
        api = {(r["kind"], r["number"]) for r in rows if r["subject_type"] == "contract"
               and r["subject_id"] == self.plan.pk}
        assert home == api, (who, home, api)
        for row in rows:
            assert row["label"] and row["url"] and row["title"]
        return home

    def told_about_plan(self, who):
        """How many messages about the plan ``who`` received since the journey began: in-app
        notifications and emails alike (and every outbox row about it was delivered)."""
        user = self.people[who]
        notes = Notification.objects.filter(user=user, outbox__item__subject_type="contract",
                                            outbox__item__subject_id=self.plan.pk).count() - self.before[who]
        emails = [m for m in mail.outbox if m.to == [user.email] and self.plan.title in m.subject]
        unsent = Outbox.objects.filter(recipient=user, item__subject_id=self.plan.pk).exclude(status="sent")
        assert notes == len(emails) and not unsent.exists(), (who, notes, len(emails), list(unsent))
        return notes

    def expect(self, waiting: dict, replay=None):
        """After a step: ``waiting`` {who: {(kind, number)}} is all that waits on the plan, and each
        one newly waited for was told once; then the step's request again changes none of it."""
        for attempt in ("step", "replay"):
            for who in self.people:
                assert self.on_plan(who) == waiting.get(who, set()), (attempt, who)
            for who in self.people:
                was = self.told[who]
                now = self.told_about_plan(who)
                new = waiting.get(who, set()) - self.previous.get(who, set()) if attempt == "step" else set()
                assert now == was + len(new), (attempt, who, was, now, new)
                self.told[who] = now
            if attempt == "step" and replay:
                replay()
        self.previous = waiting

    previous: dict = {}


def test_every_handoff_reaches_the_next_actor_once(cycle, client, django_capture_on_commit_callbacks,
                                                    quarter_one_over):
    plan = cycle.plan
    j = Journey(cycle, client, django_capture_on_commit_callbacks)
    j.previous = {"officer": {("contract_submit", 0)}}
    for who in j.people:
        j.told[who] = j.told_about_plan(who)
    assert j.on_plan("officer") == {("contract_submit", 0)}

    def step(who, url, data=None):
        j.post(who, url, data)
        return lambda: j.post(who, url, data, expect=(400, 403, 409))

    # Draft → submitted: the secretariat reviews.
    replay = step("officer", f"/api/v1/contracts/{plan.pk}/submit/")
    j.expect({"secretariat": {("contract_review", 0)}}, replay)

    # Submitted → negotiation: the supervisor (counter-party) may record agreement.
    replay = step("secretariat", f"/api/v1/contracts/{plan.pk}/pass-review/")
    j.expect({"supervisor": {("contract_agree", 0)}}, replay)

    # The supervisor proposes a change: now the officer answers, and the supervisor waits.
    target = cycle.first_target()
    step("supervisor", f"/api/v1/targets/{target.pk}/propose/",
         {"target_value": str(target.target_value + 1), "comment": "Stretch it."})
    j.expect({"officer": {("contract_answer", 0)}})
    proposal = NegotiationRound.objects.get(target=target, state="open")

    # The officer accepts: the supervisor is asked again to record agreement (a new handoff).
    replay = step("officer", f"/api/v1/negotiation-rounds/{proposal.pk}/accept/")
    j.expect({"supervisor": {("contract_agree", 0)}}, replay)

    # Agreement recorded: the vetting committee vets.
    replay = step("supervisor", f"/api/v1/contracts/{plan.pk}/conclude/")
    j.expect({"vetting": {("contract_vet", 0)}}, replay)

    # Vetting each target changes nothing for anyone (and vetting one again neither).
    # (A target flagged after negotiation, vetting.flags, passes with the committee's comment.)
    replay = None

    def finding(t):
        return {"smart": True, "aligned": True, "comment": "Passes as negotiated." if vetting_rules.flags(t) else ""}

    for t in Target.objects.filter(contract=plan):
        replay = step("vetting", f"/api/v1/targets/{t.pk}/vet/", finding(t))
    j.expect({"vetting": {("contract_vet", 0)}}, lambda: j.post(
        "vetting", f"/api/v1/targets/{t.pk}/vet/", finding(t)))

    # Approved: both parties sign.
    replay = step("vetting", f"/api/v1/contracts/{plan.pk}/approve-vetting/")
    j.expect({"officer": {("contract_sign", 0)}, "supervisor": {("contract_sign", 0)}}, replay)

    def sign(who):
        user = j.people[who]
        TOTPDevice.objects.filter(user=user).update(last_t=-1)
        url = f"/api/v1/contracts/{plan.pk}/sign/"
        j.post(who, url, {"password": "pmis-demo", "code": twofactor.current_code(user) or ""})

        def again():
            TOTPDevice.objects.filter(user=user).update(last_t=-1)
            j.post(who, url, {"password": "pmis-demo", "code": twofactor.current_code(user) or ""},
                   expect=(400, 403))
        return again

    # The officer signs: only the supervisor's signature is missing (the supervisor was told already).
    j.expect({"supervisor": {("contract_sign", 0)}}, sign("officer"))

    # The supervisor signs: in force, and quarter 1 is over, so its report is due from the officer.
    replay = sign("supervisor")
    plan.refresh_from_db()
    assert plan.status == "in_force"
    j.expect({"officer": {("report_due", 1)}}, replay)
    item = WorkItem.objects.get(assignee=cycle.performer, kind="report_due", closed_at__isnull=True,
                                subject_id=plan.pk)
    assert item.due < quarter_one_over  # overdue
    j.client.force_login(cycle.performer)
    api_row = next(r for r in j.client.get("/api/v1/tasks/").json()["results"] if r["id"] == item.pk)
    assert api_row["overdue"] is True and api_row["label"] == "Report progress for quarter 1"

    # The officer reports quarter 1 and submits it: the secretariat verifies.
    j.post("officer", f"/contracts/{plan.pk}/reports/open/", {"period": 1})
    report = ProgressReport.objects.get(contract=plan, period=1)
    j.expect({"officer": {("report_due", 1)}})  # opened, not submitted: still due
    for t in Target.objects.filter(contract=plan):
        j.post("officer", f"/contracts/reports/{report.pk}/entries/",
               {"target": t.pk, "actual": str(t.target_value), "status": "on_track", "comment": "Done.",
                "explanation": "On plan.", "remedial_action": "None needed."})
    assert ProgressEntry.objects.filter(report=report).count() == Target.objects.filter(contract=plan).count()
    replay = step("officer", f"/contracts/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.state == "submitted"
    j.expect({"secretariat": {("report_verify", 1)}},
             lambda: j.post("officer", f"/contracts/reports/{report.pk}/submit/"))

    # The secretariat accepts every entry: nothing waits on the plan any more.
    entries = list(ProgressEntry.objects.filter(report=report))
    for entry in entries[:-1]:
        j.post("secretariat", f"/api/v1/progress-entries/{entry.pk}/verify/", {"decision": "accepted"})
    j.expect({"secretariat": {("report_verify", 1)}})
    last = f"/api/v1/progress-entries/{entries[-1].pk}/verify/"
    j.post("secretariat", last, {"decision": "accepted"})
    j.expect({}, lambda: j.post("secretariat", last, {"decision": "accepted"}))
    # Once more, across the whole cycle: nobody was told anything twice.
    for user in j.people.values():
        rows = Outbox.objects.filter(recipient=user, item__subject_id=plan.pk)
        assert rows.count() == rows.values("item").distinct().count()
