"""Rows written in bulk: PostgreSQL ``COPY`` (``bulk_create`` elsewhere) with the primary keys the seed
assigns, so rows can reference each other without a round trip."""

import csv
import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from pmis.copying import copy_in

BATCH = 100_000


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
        # A text or file field without a default is "" (Django's own default for it), never NULL.
        return f.get_default()

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
