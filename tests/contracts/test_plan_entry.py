"""Plan entry (issue 30): the target form in groups with required fields marked and the weights beside
it for the running total; targets ordered by arrows; a new target goes last; the submit asks first;
a counter-proposal shows old and new values."""

from django.urls import reverse

from contracts.cycle import targets, workflow
from contracts.models import NegotiationRound, Target
from tests.contracts.conftest import carry


def page_order(plan):
    return list(Target.objects.filter(contract=plan).order_by("perspective__order", "order", "pk")
                .values_list("pk", flat=True))


def test_the_form_is_grouped_marks_required_fields_and_carries_the_weights(cycle, client):
    plan = cycle.plan
    client.force_login(cycle.performer)
    response = client.get(reverse("contract-target-new", args=[plan.pk]))
    html = response.content.decode()
    assert html.count("<fieldset") == 4 and 'name="order"' not in html
    assert html.count('class="required"') >= 5  # the key + indicator, description, target, weight
    weights = response.context["weights"]
    assert weights["others"] == str(sum(t.weight for t in Target.objects.filter(contract=plan)))
    assert 'id="weights-beside"' in html and "data-weight-totals" in html


def test_arrows_move_a_target_and_a_new_one_goes_last(cycle, client):
    plan = cycle.plan
    before = page_order(plan)
    client.force_login(cycle.performer)
    second = before[1]
    response = client.post(reverse("target-move", args=[second]), {"direction": "up"})
    assert response.status_code == 302
    assert page_order(plan)[:2] == [second, before[0]]
    assert client.post(reverse("target-move", args=[second]), {"direction": "sideways"}).status_code == 400
    first = Target.objects.get(pk=second)
    added = targets.add_target(cycle.performer, plan, indicator=first.indicator, perspective=first.perspective,
                               description="One more", target_value=1, weight=0)
    assert added.order == max(Target.objects.filter(contract=plan).exclude(pk=added.pk)
                              .values_list("order", flat=True)) + 1
    # Nobody else moves them, and not after the draft.
    client.force_login(cycle.counterparty)
    client.post(reverse("target-move", args=[second]), {"direction": "down"})
    assert page_order(plan)[:2] == [second, before[0]]


def test_another_institution_cannot_move_a_target(cycle, client, demo):
    client.force_login(demo.users["head2"])
    target = cycle.first_target()
    assert client.post(reverse("target-move", args=[target.pk]), {"direction": "down"}).status_code == 404


def test_submitting_asks_first(cycle, client):
    client.force_login(cycle.performer)
    html = client.get(reverse("contract-detail", args=[cycle.plan.pk])).content.decode()
    form = html[html.index('value="submit"') - 600:html.index('value="submit"')]
    assert "data-confirm=" in form


def test_a_counter_proposal_shows_old_and_new_values(cycle, client):
    plan = carry(cycle, "negotiation")
    target = cycle.first_target()
    proposal = workflow.propose(cycle.counterparty, target, {"target_value": target.target_value + 25}, "More.")
    client.force_login(cycle.performer)
    html = client.get(reverse("round-answer", args=[proposal.pk])).content.decode()
    change = html[html.index('data-change="target_value"'):]
    change = change[:change.index("</li>")]
    old, new = format(target.target_value.normalize(), "f"), format((target.target_value + 25).normalize(), "f")
    assert f"<del class=\"muted\">{old}</del>" in change and new in change
    assert NegotiationRound.objects.filter(pk=proposal.pk, contract=plan).exists()
