"""Indicators, contracts and their targets: institution and unit contracts split by criteria category, an
officer plan for every officer (a few of chosen sizes for the bench), weights that add up to 100."""

from decimal import Decimal

from contracts.models import PerformanceContract, Target
from scorecards.models import ContractLevel, Indicator

from .vocabulary import INDICATORS
from .writer import BATCH

#: Officer contracts of the first institution with these many targets (when the total allows):
#: the bench's "1 vs 1,000 targets" ratio and the 40- and 400-target PDFs.
SPECIAL_SIZES = (1, 40, 400, 1000)
SPECIAL_TITLE = "Scale benchmark plan with {n} targets"
#: Targets on each institution and unit contract: one per criteria category, core mandate split in two.
PC_SPLIT = [("FS", 10), ("CM", 25), ("CM", 25), ("SD", 15), ("PD", 10), ("CC", 15)]
STATUS = PerformanceContract.Status


def _weights(n):
    """``n`` weights (4 decimal places) adding up to exactly 100."""
    units = 1_000_000  # 100 in ten-thousandths
    base, extra = divmod(units, n)
    return [Decimal(base + (1 if i < extra else 0)).scaleb(-4) for i in range(n)]


def _criteria(rng, direction):
    """(baseline, target, excellent…poor) in whole numbers running the right way for ``direction``."""
    target = rng.randrange(10, 2000) * 10
    steps = (110, 100, 90, 80, 70) if direction == "higher" else (70, 100, 130, 160, 190)
    values = [Decimal(target * s // 100) for s in steps]
    baseline = Decimal(target * (rng.randrange(60, 95) if direction == "higher" else rng.randrange(105, 150)) // 100)
    return baseline, Decimal(target), values


def write_indicators(writer, institutions):
    """The indicator library of every institution: {institution id: [(indicator id, unit, direction)]}, and
    the number written."""
    indicator_id = writer.next_id(Indicator)
    indicators = {}
    indicator_rows = []
    for inst in institutions:
        indicators[inst.pk] = []
        for name, mtype, unit, direction in INDICATORS:
            indicator_rows.append({"id": indicator_id, "institution_id": inst.pk, "name": name, "unit": unit,
                                   "measurement_type": mtype, "direction": direction})
            indicators[inst.pk].append((indicator_id, unit, direction))
            indicator_id += 1
    return indicators, writer.write(Indicator, indicator_rows)


def write_contracts(writer, rng, plan, institutions, years, policies, units, workforce):
    """Institution, unit and officer contracts, with the size of each officer plan: [(contract id,
    institution, year, level, n targets, scheme, category weights)], and the number written."""
    staff, per_inst = workforce.staff, workforce.per_inst
    officer_user, oversight_user_id = workforce.officer_user, workforce.oversight_user_id
    contract_id = writer.next_id(PerformanceContract)
    contracts = []  # (contract id, institution, year, level, n targets, scheme, category weights)
    contract_rows = []
    total_units = sum(len(v) for v in units.values())
    fixed = (plan.institutions + total_units) * len(PC_SPLIT)
    officer_targets = plan.targets - fixed
    if officer_targets < plan.officers:
        raise ValueError(
            f"{plan.targets} targets are too few: institution and unit contracts take {fixed} and every "
            f"officer plan needs at least one."
        )
    specials = [n for n in SPECIAL_SIZES if n <= officer_targets // 4]
    specials = specials if len(specials) < per_inst[0] else specials[: per_inst[0] - 1]
    rest = officer_targets - sum(specials)
    ordinary = plan.officers - len(specials)
    base, extra = divmod(rest, ordinary)

    def contract(inst, year, level, n, title, performer, counterparty, status, unit=None, officer=None):
        nonlocal contract_id
        policy = policies[(year.pk, level)]
        contract_rows.append({
            "id": contract_id, "institution_id": inst.pk, "financial_year_id": year.pk,
            "year_start": year.start_date, "level": level,
            "org_unit_id": unit, "officer_id": officer, "title": title, "performer_id": performer,
            "counterparty_id": counterparty, "scheme": policy.scheme, "band_table_name": policy.band_table.name,
            "band_table_version": policy.band_table.version, "bands": policy.band_table.bands,
            "category_weights": policy.category_weights, "status": status, "version": 1, "lock_version": 1,
            "status_changed_at": writer.now,
        })
        contracts.append((contract_id, inst, year, level, n, policy.scheme, policy.category_weights))
        contract_id += 1

    ordinary_seen = 0
    for i, (inst, year) in enumerate(zip(institutions, years, strict=True)):
        roster = staff[inst.pk]
        head_user = roster[0][1]
        status = STATUS.IN_FORCE if rng.random() < 0.9 else rng.choice([STATUS.SIGNED, STATUS.NEGOTIATION])
        contract(inst, year, ContractLevel.INSTITUTION, len(PC_SPLIT), f"{inst.name} performance contract "
                 f"{year.name}", head_user, oversight_user_id, status)
        manager_of = {r[2]: r for r in roster[1:len(units[inst.pk]) + 1]}
        for unit, _parent, name in units[inst.pk]:
            manager = manager_of.get(unit)
            status = rng.choice([STATUS.IN_FORCE, STATUS.IN_FORCE, STATUS.AGREED, STATUS.NEGOTIATION])
            contract(inst, year, ContractLevel.UNIT, len(PC_SPLIT), f"{name} performance contract {year.name}",
                     manager[1] if manager else head_user, head_user, status, unit=unit)
        for k, (officer, user, unit, supervisor) in enumerate(roster):
            if i == 0 and k < len(specials):
                n, title = specials[k], SPECIAL_TITLE.format(n=specials[k])
                status = STATUS.DRAFT
            else:
                n = base + (1 if ordinary_seen < extra else 0)
                ordinary_seen += 1
                title = f"Performance plan {year.name}"
                status = rng.choice([STATUS.DRAFT, STATUS.NEGOTIATION, STATUS.IN_FORCE, STATUS.IN_FORCE])
            contract(inst, year, ContractLevel.OFFICER, n, title, user,
                     officer_user.get(supervisor), status, unit=unit, officer=officer)
    return contracts, writer.write(PerformanceContract, contract_rows)


def write_targets(writer, rng, plan, contracts, perspectives, indicators, progress, since):
    """The targets of ``contracts``: weights add up to 100 per contract (and to each category's weight on
    category-weighted contracts), criteria run the right way, most have an actual. Reports each batch to
    ``progress``; returns the number written."""
    target_id = writer.next_id(Target)

    def target_rows():
        nonlocal target_id
        for cid, inst, year, _level, n, scheme, category_weights in contracts:
            cats = perspectives[year.pk]
            inds = indicators[inst.pk]
            if category_weights:
                spec = [(cats[code].pk, Decimal(w)) for code, w in PC_SPLIT]
            else:
                codes = list(cats)
                spec = [(cats[codes[j % len(codes)]].pk, w) for j, w in enumerate(_weights(n))]
            for order, (perspective, weight) in enumerate(spec, start=1):
                ind, unit, direction = inds[rng.randrange(len(inds))]
                baseline, target, criteria = _criteria(rng, direction)
                if rng.random() < 0.85:
                    spread = rng.randrange(60, 125) if direction == "higher" else rng.randrange(80, 140)
                    actual = Decimal(int(target) * spread // 100)
                else:
                    actual = None
                kenya = scheme == "kenya_pc"
                yield {
                    "id": target_id, "contract_id": cid, "institution_id": inst.pk,
                    "perspective_id": perspective, "objective_id": None, "indicator_id": ind,
                    "description": f"Target {order}: {INDICATORS[(ind - inds[0][0])][0].lower()}",
                    "unit": unit, "direction": direction, "baseline": baseline, "target_value": target,
                    "criteria_excellent": criteria[0] if kenya else None,
                    "criteria_very_good": criteria[1] if kenya else None,
                    "criteria_good": criteria[2] if kenya else None,
                    "criteria_fair": criteria[3] if kenya else None,
                    "criteria_poor": criteria[4] if kenya else None,
                    "weight": weight, "budget_allocated": None, "parent_id": None, "activities": "",
                    "actual": actual, "order": order, "lock_version": 1,
                }
                target_id += 1

    written = 0
    batch = []
    for row in target_rows():
        batch.append(row)
        if len(batch) >= BATCH:
            written += writer.write(Target, batch)
            batch = []
            progress.stage(f"targets {written:,}/{plan.targets:,}", written, since)
    written += writer.write(Target, batch)
    return written
