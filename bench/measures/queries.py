"""Query counts that must not grow with the data: one institution in sight against all of them, one
target on a contract against a thousand."""

from django.urls import reverse

from contracts.models import PerformanceContract

from .. import scale
from .context import page_queries
from .registry import Skip, measure


@measure("queries: 1 vs 300 institutions visible", "equal", lambda r: r["equal"])
def queries_by_institutions(ctx):
    return institutions_ratio(ctx)


def institutions_ratio(ctx):
    """The same pages for an oversight user seeing one institution and one seeing all of them."""
    one, many = ctx.single_oversight_user, ctx.oversight_user
    visible_many = scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).visible_to(many).count()
    out = {"institutions_visible": [1, visible_many]}
    institution_contract = PerformanceContract.objects.get(institution=ctx.first, level="institution")
    for label, url in (("contract list", reverse("contract-list")),
                       ("institution contract page", reverse("contract-detail", args=[institution_contract.pk])),
                       ("officer plan page", reverse("contract-detail", args=[ctx.plan.pk]))):
        _, a, _, _ = page_queries(one, url)
        _, b, _, _ = page_queries(many, url)
        out[label] = [a, b]
    out["equal"] = all(v[0] == v[1] for k, v in out.items() if k not in ("institutions_visible",))
    return out


@measure("queries: 1 vs 1,000 targets on a contract", "equal", lambda r: r["equal"])
def queries_by_targets(ctx):
    return targets_ratio(ctx)


def targets_ratio(ctx):
    small, big = ctx.special(1), ctx.largest_special()
    if small is None or big is None:
        raise Skip("the scale data has no 1-target and many-target contracts (seed a bigger set)")
    user = ctx.oversight_user
    _, a, _, _ = page_queries(user, reverse("contract-detail", args=[small.pk]))
    _, b, _, _ = page_queries(user, reverse("contract-detail", args=[big.pk]))
    return {"targets": [small.targets.count(), big.targets.count()], "queries": [a, b], "equal": a == b}
