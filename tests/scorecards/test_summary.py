"""The summary table: scores from verified actuals only, maintained idempotently."""

from decimal import Decimal

from scorecards import summary


def target(pk, weight, criteria, actual, direction="higher", perspective=None):
    levels = dict(zip(("excellent", "very_good", "good", "fair", "poor"), criteria, strict=True))
    return summary.TargetData(
        id=pk, description=f"t{pk}", weight=Decimal(weight), verified=actual is not None,
        item={"id": pk, "weight": Decimal(weight), "direction": direction, "criteria": levels, "actual": actual},
        perspective_id=perspective, perspective=f"P{perspective}" if perspective else "",
    )


BANDS = [{"grade": "Excellent", "limit": "2.40"}, {"grade": "Very Good", "limit": "3.00"},
         {"grade": "Good", "limit": "3.60"}, {"grade": "Fair", "limit": "4.00"}, {"grade": "Poor", "limit": "5.00"}]
W1 = [
    (1, 30, (110, 100, 90, 80, 70), 95, "higher", 1),
    (2, 25, (12, 14, 16, 18, 20), 13, "lower", 1),
    (3, 25, (1000, 900, 800, 700, 600), 1250, "higher", 2),
    (4, 20, (100, 95, 90, 85, 80), 71, "higher", 2),
]


def test_all_verified_gives_the_engine_composite():
    values = summary.compute("kenya_pc", BANDS, [target(*row) for row in W1], [1, 2])
    assert values["composite"] == Decimal("2.3750") and values["grade"] == "Excellent"
    assert values["standing"] == Decimal("-2.3750")  # lower is better: ranks by the negative
    assert (values["green"], values["amber"], values["red"]) == (3, 0, 1)
    # (2.5×30 + 1.5×25) / 55 and (1×25 + 5×20) / 45
    assert [p["score"] for p in values["perspectives"]] == ["2.0455", "2.7778"]


def test_unverified_targets_do_not_count():
    rows = [target(*row) for row in W1]
    rows[3] = target(4, 20, (100, 95, 90, 85, 80), None, "higher", 2)
    values = summary.compute("kenya_pc", BANDS, rows)
    # (2.5×30 + 1.5×25 + 1×25) / 80
    assert values["composite"] == Decimal("1.7188") and values["targets_verified"] == 3
    assert values["targets"][3]["tone"] == "" and values["red"] == 0


def test_store_writes_only_changes(demo):
    from contracts.models import PerformanceContract
    from scorecards.models import ContractScore

    contract = PerformanceContract.objects.select_related("financial_year").get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    values = summary.compute("kenya_pc", BANDS, [target(*row) for row in W1])
    row, changed = summary.store(contract, 4, values, "verified")
    assert changed and row.composite == Decimal("2.3750")
    again, changed = summary.store(contract, 4, summary.compute("kenya_pc", BANDS, [target(*r) for r in W1]),
                                   "verified")
    assert not changed and again.updated_at == row.updated_at
    assert ContractScore.objects.filter(contract=contract, period=4).count() == 1


def test_the_demo_summary(demo):
    from scorecards.models import ContractScore

    water = ContractScore.objects.get(institution=demo.water, level="institution", period=1)
    assert water.reporting == "verified" and water.composite is not None and water.targets_verified == 5
    machakos_q2 = ContractScore.objects.get(institution=demo.machakos, level="institution", period=2)
    assert machakos_q2.reporting == "submitted"  # one entry still waits for the performance officer
