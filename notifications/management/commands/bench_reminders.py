"""Time the reminder sweep over many due reminders, and count duplicates.

    python manage.py bench_reminders --deadlines 100000

Builds (once, in bulk) a scratch institution ``bench-reminders`` with N officers who all still
lack a plan, puts its target-identification deadline tomorrow, times one sweep, runs a second
sweep to prove it adds nothing, counts duplicate (deadline, recipient, kind) keys, then deletes
the scratch reminders and parks the deadline a year out so beat's sweeps ignore it. Re-runnable:
the scratch people are reused; ``--cleanup`` removes them all.
"""

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from notifications import cycle, sweep
from notifications.models import CycleDeadline, Notification, Outbox
from pmis.models import FinancialYear, Institution, Officer

SLUG = "bench-reminders"
PREFIX = "bench-rem-"


class Command(BaseCommand):
    help = "Time the reminder sweep over N due reminders (scratch institution) and count duplicates."

    def add_arguments(self, parser):
        parser.add_argument("--deadlines", type=int, default=100_000, help="due reminders to build")
        parser.add_argument("--cleanup", action="store_true", help="remove the scratch institution and stop")

    def handle(self, *args, deadlines, cleanup, **options):
        if cleanup:
            self.cleanup()
            self.stdout.write("Scratch data removed.")
            return
        t0 = time.perf_counter()
        institution, year, deadline = self.build(deadlines)
        self.stdout.write(f"database: {connection.vendor}; scratch officers: {deadlines} "
                          f"(built in {time.perf_counter() - t0:.1f} s)")
        self.clear(institution)
        try:
            CycleDeadline.objects.filter(pk=deadline.pk).update(
                due_date=timezone.localdate() + datetime.timedelta(days=1))
            t1 = time.perf_counter()
            first = sweep.sweep()
            elapsed = time.perf_counter() - t1
            t2 = time.perf_counter()
            second = sweep.sweep()
            elapsed2 = time.perf_counter() - t2
            rows = Outbox.objects.filter(institution=institution).count()
            duplicates = (
                Outbox.objects.filter(institution=institution).values("deadline", "recipient", "kind")
                .annotate(n=Count("id")).filter(n__gt=1).count()
            )
            self.stdout.write(f"sweep 1: {elapsed:.2f} s, {first.candidates} reminders considered, "
                              f"{first.created} written")
            self.stdout.write(f"sweep 2: {elapsed2:.2f} s, {second.created} written (must be 0)")
            self.stdout.write(f"outbox rows for the scratch institution: {rows}; duplicates: {duplicates}")
            ok = elapsed <= 5 and duplicates == 0 and second.created == 0 and rows >= deadlines
            self.stdout.write(self.style.SUCCESS("goal met (≤ 5 s, 0 duplicates)") if ok
                              else self.style.WARNING("goal NOT met (≤ 5 s, 0 duplicates)"))
        finally:
            # Never leave 100,000 reminders for a real worker to send.
            self.clear(institution)
            CycleDeadline.objects.filter(pk=deadline.pk).update(
                due_date=timezone.localdate() + datetime.timedelta(days=400))

    @transaction.atomic
    def build(self, n):
        institution = Institution.objects.filter(slug=SLUG).first()
        if institution is None:
            institution = Institution.objects.create(name="Benchmark Reminders Agency (scratch)", slug=SLUG,
                                                     kind=Institution.Kind.AGENCY)
        today = timezone.localdate()
        year = FinancialYear.objects.filter(institution=institution).first()
        if year is None:
            year = FinancialYear.objects.create(
                institution=institution, name="BENCH", is_current=True,
                start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=330))
        cycle.ensure_deadlines([year])
        deadline = CycleDeadline.objects.get(financial_year=year, stage="target_identification")
        User = get_user_model()
        have = Officer.objects.filter(institution=institution).count()
        if have < n:
            users = User.objects.bulk_create(
                [User(username=f"{PREFIX}{i:07d}", email=f"{PREFIX}{i:07d}@example.org", password="!")
                 for i in range(have, n)],
                batch_size=5000, ignore_conflicts=True,
            )
            ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
            Officer.objects.bulk_create(
                [Officer(user_id=ids[u.username], institution=institution, personal_number=u.username,
                         designation="Officer") for u in users],
                batch_size=5000, ignore_conflicts=True,
            )
        elif have > n:
            # Fewer this time: deactivate the surplus so exactly n are reminded.
            User.objects.filter(officer__institution=institution).update(is_active=True)
            extra = Officer.objects.filter(institution=institution).order_by("-pk").values("user_id")[: have - n]
            User.objects.filter(pk__in=list(extra)).update(is_active=False)
        if have <= n:
            User.objects.filter(officer__institution=institution, is_active=False).update(is_active=True)
        return institution, year, deadline

    def clear(self, institution):
        with transaction.atomic():
            Notification.objects.filter(institution=institution)._raw_delete(connection.alias)
            Outbox.objects.filter(institution=institution)._raw_delete(connection.alias)

    @transaction.atomic
    def cleanup(self):
        institution = Institution.objects.filter(slug=SLUG).first()
        if institution is None:
            return
        self.clear(institution)
        user_ids = list(Officer.objects.filter(institution=institution).values_list("user_id", flat=True))
        Officer.objects.filter(institution=institution)._raw_delete(connection.alias)
        User = get_user_model()
        for start in range(0, len(user_ids), 5000):
            User.objects.filter(pk__in=user_ids[start:start + 5000], username__startswith=PREFIX).delete()
        CycleDeadline.objects.filter(institution=institution).delete()
        FinancialYear.objects.filter(institution=institution).delete()
        institution.delete()
