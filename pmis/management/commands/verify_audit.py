from django.core.management.base import BaseCommand, CommandError

from pmis import audit
from pmis.models import Institution


class Command(BaseCommand):
    help = (
        "Re-walk the audit hash chains and compare them with the latest anchor; exit non-zero naming the first "
        "broken event, or the chain that vanished or moved back. --anchor then appends a fresh anchor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--institution", metavar="SLUG", help="Verify only this institution's chain.")
        parser.add_argument(
            "--anchor", action="store_true",
            help="After a successful verification of every chain, append a signed anchor to the anchor file.",
        )
        parser.add_argument(
            "--anchor-file", metavar="PATH", help="The anchors to check against (default: AUDIT_ANCHOR_FILE)."
        )

    def handle(self, *args, institution=None, anchor=False, anchor_file=None, **options):
        if anchor and institution:
            raise CommandError("--anchor needs every chain verified; leave out --institution.")
        if institution:
            try:
                institution = Institution.objects.get(slug=institution)
            except Institution.DoesNotExist:
                raise CommandError(f"No institution with slug {institution!r}.") from None
        path = audit.anchor_path(anchor_file)
        check = audit.verify_trail(institution, path)
        ids = [audit.chain_institution(key) for key in check.statuses if key != "system"]
        slugs = Institution.objects.filter(pk__in=ids).values_list("pk", "slug")
        labels = {audit.chain_key(pk): slug for pk, slug in slugs}
        broken = []
        for key, status in check.statuses.items():
            label = labels.get(key, key)
            if status.ok:
                self.stdout.write(f"{label}: {status.verified} events verified")
            else:
                event = status.broken_event
                where = f"event #{event.seq} (id {event.pk}, {event.action})" if event else "chain head"
                broken.append(f"{label}: {where} is broken: {status.reason}; verified up to #{status.verified}")
        broken += [f"{labels.get(key, key)}: {problem}" for key, problem in check.problems]
        if broken:
            audit.logger.error("audit verification failed: %s", "; ".join(broken), extra={"anchor_file": str(path)})
            raise CommandError("\n".join(broken))
        if check.anchor:
            self.stdout.write(f"Matches the anchor of {check.anchor['at']} in {path}.")
        else:
            self.stdout.write(f"No anchor in {path} yet: `verify_audit --anchor` writes one.")
        if anchor:
            written = audit.write_anchor(check.statuses.values(), path)
            self.stdout.write(
                f"Audit anchor written to {path}: {written['chain_count']} chains, {written['events']} events."
            )
        self.stdout.write(self.style.SUCCESS("All audit chains verified."))
