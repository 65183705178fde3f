"""Removing the scale data, and nothing else."""

import sys

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from contracts.models import PerformanceContract, Target
from pmis.models import Institution

from .identity import PREFIX, scale_institutions
from .writer import skip_fk_triggers


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
        cursor.execute(f"INSERT INTO {table} (id) VALUES " + ", ".join(["(%s)"] * len(chunk)), chunk)  # noqa: S608 — table names and arguments are ours, not user input
