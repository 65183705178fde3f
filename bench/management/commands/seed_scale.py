"""Build the national-scale data set: ``manage.py seed_scale --institutions 300 --officers 100000
--targets 1000000 [--seed 42] [--reset] [--weekly-logs 10000]``."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench import scale


class Command(BaseCommand):
    help = "Seed a national-scale data set (institutions, officers, contracts, targets) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--institutions", type=int, default=300)
        parser.add_argument("--officers", type=int, default=100_000)
        parser.add_argument("--targets", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reset", action="store_true",
                            help="Delete the scale data (institutions and users named scale-…) first.")
        parser.add_argument("--reset-only", action="store_true", help="Delete the scale data and stop.")
        parser.add_argument("--weekly-logs", type=int, default=0, metavar="OFFICERS",
                            help="Then give this many in-force officer plans (whole teams first) a task of 10 "
                                 "sub-tasks and 52 weeks of logs each; with existing scale data, add only these.")

    def handle(self, *args, **options):
        if options["reset"] or options["reset_only"]:
            started = time.perf_counter()
            scale.reset(self.stdout)
            self.stdout.write(f"Scale data removed in {time.perf_counter() - started:.1f} s.")
            if options["reset_only"]:
                return
        elif scale.exists():
            if options["weekly_logs"]:
                self._weekly_logs(options)
                return
            raise CommandError("Scale data already exists (institutions named scale-…). Use --reset to rebuild it.")
        plan = scale.Plan(options["institutions"], options["officers"], options["targets"], options["seed"])
        self.stdout.write(
            f"Seeding {plan.institutions:,} institutions, {plan.officers:,} officers, {plan.targets:,} targets "
            f"(seed {plan.seed})…"
        )
        try:
            result = scale.seed(plan, self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Done in {result.seconds['total']:.1f} s: {counts}."))
        if options["weekly_logs"]:
            self._weekly_logs(options)

    def _weekly_logs(self, options):
        counts = scale.write_weekly_logs(options["weekly_logs"], options["seed"])
        self.stdout.write(self.style.SUCCESS("Weekly logs: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())))
