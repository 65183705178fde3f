"""What is wrong with the scale data, if anything: the bench and the tests ask before trusting it."""

from decimal import Decimal

from contracts.models import PerformanceContract, Target
from pmis.models import OrgUnit

from .identity import scale_institutions


def problems(sample=200) -> list[str]:
    """What is wrong with the scale data: weights not adding to 100 (per contract and, where enforced, per
    category), targets that fail ``full_clean`` (a sample), and treebeard's own tree checks."""
    from django.db.models import Q, Sum

    # A tolerance only for SQLite, which sums decimals as floats.
    low, high = Decimal("99.99995"), Decimal("100.00005")

    found = []
    contracts = PerformanceContract.objects.filter(institution__in=scale_institutions())
    bad = contracts.annotate(total=Sum("targets__weight")).filter(Q(total__lt=low) | Q(total__gt=high))
    found += [f"contract {c.pk}: weights add up to {c.total}" for c in bad[:20]]
    weighted = Target.objects.filter(contract__in=contracts.filter(category_weights=True))
    for row in weighted.values("contract_id", "perspective_id", "perspective__weight").annotate(w=Sum("weight")):
        if abs(Decimal(str(row["w"])) - row["perspective__weight"]) > Decimal("0.00005"):
            found.append(f"contract {row['contract_id']}: category {row['perspective_id']} weighs {row['w']}")
    ids = list(Target.objects.filter(contract__in=contracts).order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // sample)
    for target in Target.objects.filter(pk__in=ids[::step]).select_related("contract", "perspective"):
        try:
            target.full_clean()
        except Exception as exc:  # noqa: BLE001 — every kind of failure is a finding
            found.append(f"target {target.pk}: {exc}")
    for contract in contracts.order_by("pk")[:: max(1, contracts.count() // sample)]:
        try:
            contract.full_clean()
        except Exception as exc:  # noqa: BLE001
            found.append(f"contract {contract.pk}: {exc}")
    tree = OrgUnit.objects.find_problems()
    for name, pks in zip(("bad alphabet", "bad path", "orphans", "wrong depth", "wrong numchild"), tree, strict=True):
        if pks:
            found.append(f"org units {name}: {list(pks)[:10]}")
    return found
