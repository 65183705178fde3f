from django.core.management.base import BaseCommand, CommandError

from pmis.audit import verify_chain
from pmis.models import AuditEvent, Institution


class Command(BaseCommand):
    help = "Re-walk the audit hash chains; exit non-zero naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--institution", metavar="SLUG", help="Verify only this institution's chain.")

    def handle(self, *args, institution=None, **options):
        if institution:
            try:
                chains = [Institution.objects.get(slug=institution).pk]
            except Institution.DoesNotExist:
                raise CommandError(f"No institution with slug {institution!r}.") from None
        else:
            chains = list(
                AuditEvent.objects.order_by().values_list("institution_id", flat=True).distinct()
            )
        names = dict(Institution.objects.filter(pk__in=[c for c in chains if c]).values_list("pk", "slug"))
        broken = []
        for institution_id in chains:
            status = verify_chain(institution_id)
            label = names.get(institution_id, "system")
            if status.ok:
                self.stdout.write(f"{label}: {status.verified} events verified")
            else:
                event = status.broken_event
                where = f"event #{event.seq} (id {event.pk}, {event.action})" if event else "chain head"
                broken.append(f"{label}: {where} is broken: {status.reason}; verified up to #{status.verified}")
        if broken:
            raise CommandError("\n".join(broken))
        self.stdout.write(self.style.SUCCESS("All audit chains verified."))
