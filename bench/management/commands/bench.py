"""Measure PMIS on the scale data set: ``manage.py bench [--requests N] [--json docs/bench.json]``."""

import datetime
import json
import platform

from django.core.management.base import BaseCommand

from bench import explain, measures


class Command(BaseCommand):
    help = "Run every benchmark measurement on the scale data (see bench.measures) and print a table."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=500, help="HTTP requests per endpoint.")
        parser.add_argument("--concurrency", type=int, default=2,
                            help="Client threads driving gunicorn (default: one a worker: latency is service time).")
        parser.add_argument("--repetitions", type=int, default=200, help="Repetitions of in-process timings.")
        parser.add_argument("--report-officers", type=int, default=1000,
                            help="Officers who each submit a quarterly report (report_submit).")
        parser.add_argument("--only", nargs="*", help="Run only these measurement functions.")
        parser.add_argument("--json", help="Write the results to this JSON file.")
        parser.add_argument("--explain", action="store_true", help="Add EXPLAIN ANALYZE of the hottest queries.")

    def handle(self, *args, **options):
        ctx = measures.Context(requests=options["requests"], concurrency=options["concurrency"],
                               repetitions=options["repetitions"], report_officers=options["report_officers"])
        self.stdout.write(f"PMIS benchmark — {options['requests']} requests per endpoint, "
                          f"{options['concurrency']} client threads, gunicorn 2 workers")
        results = measures.run(ctx, only=options["only"], out=self.stdout)
        report = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                  "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
                  "results": results}
        if options["explain"]:
            report["explain"] = explain.explain(ctx)
            for label, plan in report["explain"].items():
                self.stdout.write(f"\n-- {label}\n{plan}")
        if options["json"]:
            with open(options["json"], "w") as fh:
                json.dump(report, fh, indent=2, default=str)
            self.stdout.write(f"Written to {options['json']}.")
