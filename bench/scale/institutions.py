"""Institutions, their current financial year and their scoring set-up (band tables, perspectives and
scoring policies, as ``scorecards.setup`` gives one institution), in bulk; one audit event per institution."""

from decimal import Decimal

from pmis.models import FinancialYear, Institution
from scorecards import setup
from scorecards.models import BandTable, Perspective, ScoringPolicy

from .identity import PREFIX
from .vocabulary import COUNTIES, KINDS, SUBJECTS

START_YEAR = 2026


def _institution_spec(rng, i):
    kind, pattern = KINDS[i % len(KINDS)]
    if kind == Institution.Kind.COUNTY:
        subject = COUNTIES[(i // len(KINDS)) % len(COUNTIES)]
    else:
        subject = SUBJECTS[(i // len(KINDS)) % len(SUBJECTS)]
    return kind, f"{pattern.format(subject)} ({i + 1:03d})"


def bulk_institutions(writer, rng, plan, body, actor):
    """The institutions, their current year, band tables, perspectives and scoring policies."""
    from pmis import audit

    inst_id = writer.next_id(Institution)
    inst_rows = []
    for i in range(plan.institutions):
        kind, name = _institution_spec(rng, i)
        inst_rows.append({"id": inst_id + i, "name": name, "slug": f"{PREFIX}{i + 1:04d}", "kind": kind,
                          "country": "KE", "oversight_parent_id": body.pk,
                          "oversight_path": f"{body.oversight_path}{inst_id + i}/", "fy_start_month": 7})
    writer.write(Institution, inst_rows)
    start, end = FinancialYear.bounds_for(START_YEAR, 7)
    year_id = writer.next_id(FinancialYear)
    writer.write(FinancialYear, [
        {"id": year_id + i, "institution_id": row["id"], "name": FinancialYear.label_for(START_YEAR, 7),
         "start_date": start, "end_date": end, "is_current": True} for i, row in enumerate(inst_rows)])
    kind, levels = setup.COUNTRY_DEFAULTS["KE"]
    table_id, perspective_id, policy_id = (writer.next_id(m) for m in (BandTable, Perspective, ScoringPolicy))
    tables, perspectives, policies = [], [], []
    for i, row in enumerate(inst_rows):
        year = year_id + i
        by_name = {}
        for name, scheme in setup.scoring.BAND_TABLE_SCHEME.items():
            tables.append({"id": table_id, "institution_id": row["id"], "financial_year_id": year, "name": name,
                           "scheme": scheme, "bands": setup.default_bands(name), "version": 1})
            by_name[name] = table_id
            table_id += 1
        for order, (code, name, weight) in enumerate(setup.PC_CRITERIA_CATEGORIES, start=1):
            perspectives.append({"id": perspective_id, "institution_id": row["id"], "financial_year_id": year,
                                 "kind": kind, "code": code, "name": str(name), "weight": Decimal(weight),
                                 "order": order})
            perspective_id += 1
        for level, (scheme, table_name, category_weights) in levels.items():
            policies.append({"id": policy_id, "institution_id": row["id"], "financial_year_id": year,
                             "level": level, "scheme": scheme, "band_table_id": by_name[table_name],
                             "category_weights": category_weights})
            policy_id += 1
    writer.write(BandTable, tables)
    writer.write(Perspective, perspectives)
    writer.write(ScoringPolicy, policies)
    writer.finish()
    institutions = list(Institution.objects.filter(pk__in=[r["id"] for r in inst_rows]).order_by("pk"))
    years = list(FinancialYear.objects.filter(pk__gte=year_id, pk__lt=year_id + len(inst_rows)).order_by("pk"))
    for inst in institutions:
        audit.record(actor, "scale.seed", inst, None, {"slug": inst.slug, "seed": plan.seed})
    return institutions, years


def scoring_setup(years):
    """The perspectives ({year id: {code: Perspective}}) and scoring policies ({(year id, level): policy})
    of ``years``."""
    perspectives = {}  # year id → {code: Perspective}
    for p in Perspective.objects.filter(financial_year__in=years):
        perspectives.setdefault(p.financial_year_id, {})[p.code] = p
    policies = {}
    for pol in ScoringPolicy.objects.filter(financial_year__in=years).select_related("band_table"):
        policies[(pol.financial_year_id, pol.level)] = pol
    return perspectives, policies
