"""Build the national-scale data set: ``manage.py seed_scale --institutions 300 --officers 100000
--targets 1000000 [--seed 42] [--reset]``."""

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

    def handle(self, *args, **options):
        if options["reset"] or options["reset_only"]:
            started = time.perf_counter()
            scale.reset(self.stdout)
            self.stdout.write(f"Scale data removed in {time.perf_counter() - started:.1f} s.")
            if options["reset_only"]:
                return
        elif scale.exists():
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
