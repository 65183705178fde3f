"""A national-scale data set: an oversight body, hundreds of institutions, a hundred thousand officers
and a million targets, written in bulk and deterministic from a seed.

The set-up data every institution needs (the institution, its financial year, band tables,
perspectives and scoring policies) goes through the ordinary service functions so it is audited and
validated like any other. The volume (org units, users, officers, indicators, contracts, targets)
is generated as rows and written with PostgreSQL ``COPY`` (``bulk_create`` on other databases), with
primary keys assigned here so rows can reference each other without a round trip.

Everything the seed creates is identified by the ``scale-`` prefix: institution slugs and usernames.
``reset`` deletes exactly that and nothing of the demo data.
"""

import csv
import datetime
import io
import json
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from contracts.models import PerformanceContract, Target
from pmis import org
from pmis.copying import copy_in
from pmis.models import FinancialYear, Institution, Officer, OrgUnit, Role, RoleMembership
from scorecards import setup
from scorecards.models import BandTable, ContractLevel, Indicator, Perspective, ScoringPolicy

PREFIX = "scale-"
OVERSIGHT_SLUG = "scale-oversight"
OVERSIGHT_USER = "scale-perfdept"
START_YEAR = 2026
#: Officer contracts of the first institution with these many targets (when the total allows):
#: the bench's "1 vs 1,000 targets" ratio and the 40- and 400-target PDFs.
SPECIAL_SIZES = (1, 40, 400, 1000)
SPECIAL_TITLE = "Scale benchmark plan with {n} targets"
#: Targets on each institution and unit contract: one per criteria category, core mandate split in two.
PC_SPLIT = [("FS", 10), ("CM", 25), ("CM", 25), ("SD", 15), ("PD", 10), ("CC", 15)]
BATCH = 100_000

KINDS = [
    (Institution.Kind.MINISTRY, "Ministry of {}"),
    (Institution.Kind.STATE_DEPARTMENT, "State Department for {}"),
    (Institution.Kind.AGENCY, "{} Authority"),
    (Institution.Kind.AGENCY, "Kenya {} Corporation"),
    (Institution.Kind.COUNTY, "County Government of {}"),
]
SUBJECTS = [
    "Water", "Health", "Education", "Roads", "Energy", "Agriculture", "Trade", "Tourism", "Lands", "Mining",
    "Fisheries", "Housing", "Labour", "Youth", "Sports", "Culture", "Defence", "Environment", "Forestry",
    "Transport", "Ports", "Railways", "Aviation", "Revenue", "Statistics", "Irrigation", "Livestock",
    "Cooperatives", "ICT", "Broadcasting", "Pensions", "Insurance", "Standards", "Meteorology", "Wildlife",
]
COUNTIES = [
    "Mombasa", "Kwale", "Kilifi", "Tana River", "Lamu", "Taita Taveta", "Garissa", "Wajir", "Mandera",
    "Marsabit", "Isiolo", "Meru", "Tharaka Nithi", "Embu", "Kitui", "Machakos", "Makueni", "Nyandarua",
    "Nyeri", "Kirinyaga", "Murang'a", "Kiambu", "Turkana", "West Pokot", "Samburu", "Trans Nzoia",
    "Uasin Gishu", "Elgeyo Marakwet", "Nandi", "Baringo", "Laikipia", "Nakuru", "Narok", "Kajiado",
    "Kericho", "Bomet", "Kakamega", "Vihiga", "Bungoma", "Busia", "Siaya", "Kisumu", "Homa Bay", "Migori",
    "Kisii", "Nyamira", "Nairobi",
]
FIRST_NAMES = ["Achieng", "Wanjiru", "Kamau", "Otieno", "Mwangi", "Njeri", "Kiprop", "Chebet", "Mutua", "Akinyi",
               "Omondi", "Wambui", "Kipchoge", "Nyambura", "Barasa", "Halima", "Abdi", "Fatuma", "Juma", "Zawadi"]
LAST_NAMES = ["Odhiambo", "Kariuki", "Kiptoo", "Mutiso", "Wekesa", "Njoroge", "Hassan", "Ochieng", "Kilonzo",
              "Ruto", "Maina", "Onyango", "Cheruiyot", "Wafula", "Mohamed", "Atieno", "Gitau", "Kosgei"]
INDICATORS = [
    ("Development budget absorbed", "percentage", "%", "higher"),
    ("Services delivered within the charter time", "percentage", "%", "higher"),
    ("Projects completed", "number", "projects", "higher"),
    ("Citizens served", "number", "citizens", "higher"),
    ("Revenue collected", "currency", "KES", "higher"),
    ("Complaints resolved within 14 days", "percentage", "%", "higher"),
    ("Average days to process an application", "number", "days", "lower"),
    ("Staff trained", "number", "staff", "higher"),
    ("Audit queries outstanding", "number", "queries", "lower"),
    ("Reports submitted on time", "number", "reports", "higher"),
]
LEVEL_NAMES = [(OrgUnit.Level.DIRECTORATE, "Directorate"), (OrgUnit.Level.DEPARTMENT, "Department")]
STATUS = PerformanceContract.Status


@dataclass
class Plan:
    institutions: int
    officers: int
    targets: int
    seed: int = 42


@dataclass
class Result:
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def scale_institutions():
    return Institution.objects.filter(slug__startswith=PREFIX)


def exists() -> bool:
    return scale_institutions().exists()


class Progress:
    """One line per stage: what was written, how many, how fast."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.started = time.perf_counter()
        self.seconds = {}

    def stage(self, name, count, since):
        took = time.perf_counter() - since
        self.seconds[name] = round(took, 2)
        rate = f"{count / took:,.0f}/s" if took > 0 and count else "-"
        total = time.perf_counter() - self.started
        self.out.write(f"  {name:<28} {count:>10,} rows  {took:7.1f} s  {rate:>12}   (total {total:6.1f} s)\n")
        self.out.flush()


# ---------------------------------------------------------------------------------------------
# Writing rows


class Writer:
    """Rows as dicts of attname → value, written by COPY on PostgreSQL and bulk_create elsewhere."""

    def __init__(self):
        self.copy = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.touched = []

    def next_id(self, model):
        return (model.objects.order_by().aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, model, rows):
        """Write an iterable of row dicts in batches; returns the count."""
        if model not in self.touched:
            self.touched.append(model)
        count = 0
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                count += self._flush(model, batch)
                batch = []
        if batch:
            count += self._flush(model, batch)
        return count

    def _flush(self, model, batch):
        fields = [f for f in model._meta.concrete_fields]
        if not self.copy:
            model.objects.bulk_create([model(**row) for row in batch], batch_size=2000)
            return len(batch)
        buffer = io.StringIO()
        out = csv.writer(buffer)
        defaults = {f.attname: self._default(f) for f in fields}
        names = [f.attname for f in fields]
        for row in batch:
            out.writerow([_csv(row[n] if n in row else defaults[n]) for n in names])
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            copy_in(cursor, f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
                    f"FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer.getvalue())
        return len(batch)

    def _default(self, f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.has_default():
            return f.get_default()
        return None

    def finish(self):
        """Move the id sequences past the ids assigned here."""
        if not self.copy or not self.touched:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self.touched):
                cursor.execute(sql)


def _csv(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# The generator


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


def _institution_spec(rng, i):
    kind, pattern = KINDS[i % len(KINDS)]
    if kind == Institution.Kind.COUNTY:
        subject = COUNTIES[(i // len(KINDS)) % len(COUNTIES)]
    else:
        subject = SUBJECTS[(i // len(KINDS)) % len(SUBJECTS)]
    return kind, f"{pattern.format(subject)} ({i + 1:03d})"


def _units_per_institution(officers_each):
    """Directorates and the departments under each: 1×0 for a handful of officers, 4×3 at 300+."""
    directorates = max(1, min(4, officers_each // 80))
    departments = max(0, min(3, officers_each // 100))
    return directorates, departments


def seed(plan: Plan, out=None, actor=None) -> Result:
    if plan.institutions < 1 or plan.officers < plan.institutions:
        raise ValueError("Give at least one institution and at least one officer per institution.")
    progress = Progress(out)
    rng = random.Random(plan.seed)  # noqa: S311 — reproducible test data, not secrets
    writer = Writer()
    User = get_user_model()
    result = Result()

    # 1. Institutions, years and their scoring set-up, in bulk with the same defaults
    # scorecards.setup.seed_defaults gives one institution; one audit event per institution.
    since = time.perf_counter()
    with transaction.atomic():
        body = org.create_institution(actor, name="Scale Performance Management Department", slug=OVERSIGHT_SLUG,
                                      kind=Institution.Kind.OVERSIGHT)
        institutions, years = _bulk_institutions(writer, rng, plan, body, actor)
    progress.stage("institutions + scoring set-up", plan.institutions + 1, since)

    perspectives = {}  # year id → {code: Perspective}
    for p in Perspective.objects.filter(financial_year__in=years):
        perspectives.setdefault(p.financial_year_id, {})[p.code] = p
    policies = {}
    for pol in ScoringPolicy.objects.filter(financial_year__in=years).select_related("band_table"):
        policies[(pol.financial_year_id, pol.level)] = pol

    with transaction.atomic():
        skip_fk_triggers()
        # 2. Org-unit trees: materialised paths computed here (treebeard's format).
        since = time.perf_counter()
        officers_each = plan.officers // plan.institutions
        n_dir, n_dep = _units_per_institution(officers_each)
        steplen, alphabet = OrgUnit.steplen, OrgUnit.alphabet

        def step(n):
            return _int2str(n, alphabet).rjust(steplen, alphabet[0])

        last_root = OrgUnit.objects.get_last_root_node()
        root_number = _str2int(last_root.path[:steplen], alphabet) if last_root else 0
        unit_id = writer.next_id(OrgUnit)
        units = {}  # institution id → [(unit id, parent unit id or None, level, name)]
        unit_rows = []
        for inst in institutions:
            mine = units[inst.pk] = []
            for d in range(n_dir):
                root_number += 1
                root_path = step(root_number)
                directorate = unit_id
                unit_id += 1
                name = f"Directorate of {SUBJECTS[rng.randrange(len(SUBJECTS))]} {d + 1}"
                unit_rows.append({"id": directorate, "path": root_path, "depth": 1, "numchild": n_dep,
                                  "institution_id": inst.pk, "name": name, "code": f"D{d + 1}",
                                  "level": OrgUnit.Level.DIRECTORATE})
                mine.append((directorate, None, name))
                for k in range(n_dep):
                    name = f"Department {d + 1}.{k + 1}"
                    unit_rows.append({"id": unit_id, "path": root_path + step(k + 1), "depth": 2, "numchild": 0,
                                      "institution_id": inst.pk, "name": name, "code": f"D{d + 1}.{k + 1}",
                                      "level": OrgUnit.Level.DEPARTMENT})
                    mine.append((unit_id, directorate, name))
                    unit_id += 1
        result.counts["org_units"] = writer.write(OrgUnit, unit_rows)
        progress.stage("org units", len(unit_rows), since)

        # 3. Users and officers. Unusable passwords ("!"): nobody logs in as them until the bench sets one.
        since = time.perf_counter()
        user_id = writer.next_id(User)
        officer_id = writer.next_id(Officer)
        per_inst = [plan.officers // plan.institutions + (1 if i < plan.officers % plan.institutions else 0)
                    for i in range(plan.institutions)]
        staff = {}  # institution id → list of (officer id, user id, unit id, supervisor officer id)
        user_rows, officer_rows = [], []
        officer_user = {}
        for inst, count in zip(institutions, per_inst, strict=True):
            roster = staff[inst.pk] = []
            unit_list = units[inst.pk]
            managers = {}
            for k in range(count):
                first, last = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))], LAST_NAMES[rng.randrange(len(LAST_NAMES))]
                username = f"{PREFIX}{inst.slug[len(PREFIX):]}-{k + 1:05d}"
                user_rows.append({"id": user_id, "password": "!scale", "username": username, "first_name": first,
                                  "last_name": last, "email": "", "is_staff": False, "is_active": True,
                                  "is_superuser": False, "date_joined": writer.now, "last_login": None})
                if k == 0:  # the head of the institution
                    unit, supervisor, designation = None, None, "Accounting Officer"
                elif k <= len(unit_list):  # one manager per unit, under the head or the directorate's manager
                    unit, parent, _ = unit_list[k - 1]
                    managers[unit] = officer_id
                    supervisor = managers.get(parent, roster[0][0])
                    designation = "Director" if parent is None else "Head of Department"
                else:
                    unit = unit_list[k % len(unit_list)][0]
                    supervisor = managers.get(unit, roster[0][0])
                    designation = "Officer"
                officer_rows.append({"id": officer_id, "user_id": user_id, "institution_id": inst.pk,
                                     "personal_number": f"S{inst.slug[len(PREFIX):]}-{k + 1:06d}",
                                     "designation": designation,
                                     "job_grade": f"G{rng.randrange(5, 15)}", "org_unit_id": unit,
                                     "supervisor_id": supervisor})
                roster.append((officer_id, user_id, unit, supervisor))
                officer_user[officer_id] = user_id
                user_id += 1
                officer_id += 1
        oversight_user_id = user_id
        user_rows.append({"id": oversight_user_id, "password": "!scale", "username": OVERSIGHT_USER,
                          "first_name": "Scale", "last_name": "Oversight", "email": "", "is_staff": False,
                          "is_active": True, "is_superuser": False, "date_joined": writer.now, "last_login": None})
        result.counts["users"] = writer.write(User, user_rows)
        result.counts["officers"] = writer.write(Officer, officer_rows)
        membership_id = writer.next_id(RoleMembership)
        member_rows = [{"id": membership_id, "user_id": oversight_user_id, "institution_id": body.pk,
                        "role": Role.OVERSIGHT, "org_unit_id": None}]
        for n, inst in enumerate(institutions, start=1):
            member_rows.append({"id": membership_id + n, "user_id": staff[inst.pk][0][1], "institution_id": inst.pk,
                                "role": Role.HEAD, "org_unit_id": None})
        result.counts["role_memberships"] = writer.write(RoleMembership, member_rows)
        progress.stage("users + officers", len(user_rows) + len(officer_rows), since)

        # 4. Indicators.
        since = time.perf_counter()
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
        result.counts["indicators"] = writer.write(Indicator, indicator_rows)
        progress.stage("indicators", len(indicator_rows), since)

        # 5. Contracts: institution, unit and officer contracts, with the size of each officer plan.
        since = time.perf_counter()
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
        result.counts["contracts"] = writer.write(PerformanceContract, contract_rows)
        progress.stage("contracts", len(contract_rows), since)

        # 6. Targets: weights add up to 100 per contract (and to each category's weight on category-
        # weighted contracts), criteria run the right way, most have an actual.
        since = time.perf_counter()
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
        result.counts["targets"] = written
        progress.stage("targets", written, since)
        writer.finish()

    since = time.perf_counter()
    result.counts["scores"] = _institution_results(plan)
    progress.stage("verified Q1-Q2 results + score summary (institution contracts)", result.counts["scores"], since)

    if writer.copy:
        since = time.perf_counter()
        # Every table, the small set-up ones too: a planner that thinks 1,500 perspectives are 250 hashes
        # them all for a ten-target plan instead of looking ten up.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        progress.stage("analyze", 0, since)
    result.seconds = progress.seconds
    result.seconds["total"] = round(time.perf_counter() - progress.started, 2)
    return result


def _institution_results(plan, periods=(1, 2)) -> int:
    """Verified quarterly actuals for every scale institution contract, and their score summary rows,
    so the league table and the dashboards have the national picture to show."""
    from contracts import monitoring
    from contracts.models import ProgressEntry, ProgressReport

    contracts = list(
        PerformanceContract.objects.filter(institution__slug__startswith=PREFIX, level="institution")
        .select_related("financial_year")
    )
    now = timezone.now()
    reports = []
    for contract in contracts:
        for period in periods:
            start, end, due = monitoring.period_dates(contract.financial_year, period)
            reports.append(ProgressReport(contract=contract, institution_id=contract.institution_id, period=period,
                                          period_start=start, period_end=end, due_date=due, state="submitted",
                                          submitted_at=now))
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    by_contract = {}
    for report in ProgressReport.objects.filter(contract__in=contracts):
        by_contract.setdefault(report.contract_id, []).append(report)
    entries = []
    for target in Target.objects.filter(contract__in=contracts, actual__isnull=False).only(
            "pk", "contract_id", "institution_id", "actual"):
        for report in by_contract.get(target.contract_id, ()):
            # Half the year's result by mid-year, all of it by the second quarter's end.
            share = Decimal(report.period) / Decimal(2)
            entries.append(ProgressEntry(report=report, target_id=target.pk, institution_id=target.institution_id,
                                         actual=(target.actual * share).quantize(Decimal("0.0001")),
                                         verification="accepted", verified_at=now, reported_at=now))
    ProgressEntry.objects.bulk_create(entries, batch_size=5000)
    for contract in contracts:
        for period in periods:
            monitoring.refresh_summary(contract, period)
    return len(contracts) * len(periods)


def _bulk_institutions(writer, rng, plan, body, actor):
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


def skip_fk_triggers():
    """On PostgreSQL, skip the per-row foreign-key triggers for the rest of this transaction.

    The rows reference ids assigned here from rows written just before, so they are consistent by
    construction (``problems()`` and the tests check it); queuing a million deferred RI checks until
    COMMIT would otherwise take longer than writing the rows. Needs a superuser; without one the
    checks simply run.
    """
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 — not a superuser: keep the checks
        return False
    return True


def _int2str(num, alphabet):
    radix = len(alphabet)
    digits = ""
    while True:
        num, rem = divmod(num, radix)
        digits = alphabet[rem] + digits
        if not num:
            return digits


def _str2int(text, alphabet):
    radix = len(alphabet)
    value = 0
    for char in text:
        value = value * radix + alphabet.index(char)
    return value


# ---------------------------------------------------------------------------------------------
# Reset


def reset(out=None) -> dict:
    """Delete everything the seed created (``scale-`` institutions and users), in one transaction.

    Raw deletes on purpose: the ORM's cascade would walk a million targets and the append-only
    and frozen-contract guards (right for real data) would refuse. Foreign keys are deferred, so the
    order of the tables does not matter.
    """
    out = out or sys.stdout
    User = get_user_model()
    inst_ids = list(scale_institutions().values_list("pk", flat=True))
    user_ids = User.objects.filter(username__startswith=PREFIX)
    deleted = {}
    if not inst_ids:
        return deleted
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Every table that refers to a scale row is emptied of those rows below, so the per-row
        # foreign-key checks (millions of them, queued until COMMIT) are skipped where allowed.
        skip_fk_triggers()
        cursor.execute("CREATE TEMPORARY TABLE scale_inst (id bigint PRIMARY KEY)")
        cursor.execute("CREATE TEMPORARY TABLE scale_user (id bigint PRIMARY KEY)")
        _fill(cursor, "scale_inst", inst_ids)
        _fill(cursor, "scale_user", list(user_ids.values_list("pk", flat=True)))
        # Rows pointing at a contract or target of a scale institution but carrying no institution.
        contract_models = {PerformanceContract, Target}
        done = set()
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in done:
                continue
            clauses = []
            for f in model._meta.concrete_fields:
                if not isinstance(f, models.ForeignKey):
                    continue
                target = f.remote_field.model
                if target is Institution:
                    clauses.append(f"{quote(f.column)} IN (SELECT id FROM scale_inst)")  # noqa: S608 — table names and arguments are ours, not user input
                elif target is User:
                    clauses.append(f"{quote(f.column)} IN (SELECT id FROM scale_user)")  # noqa: S608 — table names and arguments are ours, not user input
                elif target in contract_models and model not in contract_models:
                    owner = quote(target._meta.db_table)
                    clauses.append(f"{quote(f.column)} IN (SELECT id FROM {owner} WHERE institution_id IN "  # noqa: S608 — table names and arguments are ours, not user input
                                   f"(SELECT id FROM scale_inst))")
            if model is Institution:
                clauses.append("id IN (SELECT id FROM scale_inst)")
            if model is User:
                clauses.append("id IN (SELECT id FROM scale_user)")
            if not clauses:
                continue
            done.add(table)
            # Dependent tables first so the subqueries above still see the contracts and targets.
            deleted[table] = (" OR ".join(clauses), model in contract_models or model in (Institution, User))
        order = [t for t, (_, last) in deleted.items() if not last] + [t for t, (_, last) in deleted.items() if last]
        counts = {}
        for table in order:
            cursor.execute(f"DELETE FROM {quote(table)} WHERE {deleted[table][0]}")  # noqa: S608 — table names and arguments are ours, not user input
            if cursor.rowcount:
                counts[table] = cursor.rowcount
        from pmis.audit import chain_key
        from pmis.models import AuditChain

        AuditChain.objects.filter(key__in=[chain_key(i) for i in inst_ids]).delete()
        cursor.execute("DROP TABLE scale_inst")
        cursor.execute("DROP TABLE scale_user")
    for table, n in sorted(counts.items()):
        out.write(f"  deleted {n:>10,} from {table}\n")
    return counts


def _fill(cursor, table, ids):
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        cursor.execute(f"INSERT INTO {table} (id) VALUES " + ", ".join(["(%s)"] * len(chunk)), chunk)  # noqa: S608 — table names and arguments are ours, not user input  # noqa: S608 — table names and arguments are ours, not user input


def band_table_of(contract):
    return BandTable.objects.get(financial_year_id=contract.financial_year_id, name=contract.band_table_name)


def current_year(institution):
    return FinancialYear.objects.get(institution=institution, is_current=True)


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
