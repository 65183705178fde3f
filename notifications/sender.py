"""Deliver outbox rows: an in-app notification always, an email when wanted.

Delivery guarantee
------------------
1. **Claim** (one short transaction): ``SELECT … FOR UPDATE SKIP LOCKED`` takes up to
   ``OUTBOX_BATCH`` rows that are pending (a failed email retries after ``OUTBOX_RETRY_SECONDS``),
   or 'sending' under a claim older than ``OUTBOX_CLAIM_LEASE_SECONDS`` (a worker that died), and
   stamps them 'sending' with a fresh claim token. Concurrent senders never take the same row.
2. **Deliver** (one transaction per row): lock the row again (SKIP LOCKED) *only if it still
   carries our token*, create the in-app ``Notification`` (unique per outbox row), send the email,
   mark the row 'sent' — and commit straight after the email call.

So the in-app notification and the 'sent' mark commit together or not at all: each row gives
exactly one notification, always. A worker killed anywhere except between the email call
returning and the commit (microseconds: no other work sits between them) leaves no trace, and
the row is delivered once by whoever claims it next. A worker killed inside that window has sent
an email whose 'sent' mark rolled back, so after the lease the row is sent again: **at most one
duplicate email per row per worker crash**, and that duplicate carries the same ``Message-ID``
(``<pmis-outbox-<id>@…>``), so mail systems that deduplicate on it drop it. A slow worker whose
lease ran out cannot double-send either: the row's token changed, so its delivery step skips it.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pmis import addresses

from . import kinds
from .models import LanguagePreference, Notification, NotificationPreference, Outbox

log = logging.getLogger(__name__)


def claim(batch: int | None = None) -> tuple[uuid.UUID, list[int]]:
    batch = batch or settings.OUTBOX_BATCH
    token = uuid.uuid4()
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
    # A row whose email failed waits OUTBOX_RETRY_SECONDS (from its last claim) before the next try.
    retry = now - datetime.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
    due = Q(claimed_at__isnull=True) | Q(claimed_at__lt=retry)
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter((Q(status=Outbox.Status.PENDING) & due) | Q(status=Outbox.Status.SENDING, claimed_at__lt=stale))
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if ids:
            Outbox.objects.filter(id__in=ids).update(status=Outbox.Status.SENDING, claim_token=token, claimed_at=now)
    return token, ids


def email_opt_outs(ids) -> set[tuple[int, str]]:
    return set(
        NotificationPreference.objects.filter(
            user_id__in=Outbox.objects.filter(id__in=ids).values("recipient_id"), email=False
        ).values_list("user_id", "category")
    )


def languages_of(ids) -> dict[int, str]:
    """{recipient id: language} of the recipients of outbox rows ``ids`` who chose one."""
    return dict(LanguagePreference.objects.filter(
        user_id__in=Outbox.objects.filter(id__in=ids).values("recipient_id")).values_list("user_id", "language"))


def message_id(row: Outbox) -> str:
    return f"<pmis-outbox-{row.pk}@{settings.OUTBOX_MESSAGE_ID_DOMAIN}>"


def render(row: Outbox, language: str | None = None) -> tuple[str, str, str]:
    """(subject, body, url) of a row, in ``language`` (the recipient's; else the site's), as of today."""
    from .sweep import texts

    with translation.override(language or settings.LANGUAGE_CODE):
        if row.item_id is not None:
            return handoff_texts(row.item)
        deadline = row.deadline
        subject, body = texts(deadline, row.kind, (deadline.due_date - timezone.localdate()).days, row.count)
    return subject, body, deadline.get_absolute_url()


def handoff_texts(item) -> tuple[str, str, str]:
    """Subject, body and link of a handoff's message (in the active language)."""
    from .inbox import KINDS, when_of

    kind = KINDS.get(item.kind)
    what = kind.describe(item.number) if kind else item.kind
    where = {"what": what, "title": item.title, "institution": item.institution.name}
    subject = _("Waiting for you: %(what)s — %(title)s") % where
    body = _("%(what)s: “%(title)s” (%(institution)s) is waiting for you.") % where
    if item.due is not None:
        body += " " + when_of(item, timezone.localdate())[1] + "."
    return subject[:200], body, item.url


def build_email(row: Outbox, subject: str, body: str, url: str) -> EmailMessage:
    body += "\n\n" + addresses.link(url)
    return EmailMessage(
        subject=subject, body=body, to=[row.recipient.email],
        headers={"Message-ID": message_id(row), "X-PMIS-Outbox": str(row.pk)},
    )


def deliver(row_id: int, token: uuid.UUID, mail, opt_outs, languages=None) -> str:
    """Deliver one claimed row; returns 'sent', 'skipped' (no longer ours) or 'failed'."""
    try:
        with transaction.atomic():
            # Waits rather than skips: another sender's claim may hold this row's lock for a moment
            # (SKIP LOCKED scans lock rows they then pass over); the token says whose it is.
            row = (
                Outbox.objects.select_for_update(of=("self",))
                .select_related("recipient", "deadline__institution", "deadline__financial_year",
                                "item__institution")
                .filter(pk=row_id, claim_token=token, status=Outbox.Status.SENDING)
                .first()
            )
            if row is None:
                return "skipped"
            subject, body, url = render(row, (languages or {}).get(row.recipient_id))
            Notification.objects.create(
                user_id=row.recipient_id, institution_id=row.institution_id, outbox=row, kind=row.kind,
                critical=row.critical, title=subject, body=body, url=url,
            )
            wants_email = bool(row.recipient.email) and (
                row.critical or (row.recipient_id, kinds.category_of(row.kind)) not in opt_outs
            )
            Outbox.objects.filter(pk=row.pk).update(
                status=Outbox.Status.SENT, sent_at=timezone.now(), emailed=wants_email, attempts=F("attempts") + 1,
                last_error="",
            )
            if wants_email:
                # Last statement before COMMIT: the non-transactional step sits right at the edge.
                mail.send_messages([build_email(row, subject, body, url)])
        return "sent"
    except Exception as exc:  # noqa: BLE001 - any failure returns the row for a later attempt
        log.warning("outbox row %s not delivered: %s", row_id, exc)
        row = Outbox.objects.filter(pk=row_id, claim_token=token).values("attempts").first()
        if row is not None:
            give_up = row["attempts"] + 1 >= settings.OUTBOX_MAX_ATTEMPTS
            Outbox.objects.filter(pk=row_id, claim_token=token).update(
                status=Outbox.Status.FAILED if give_up else Outbox.Status.PENDING,
                claim_token=None, attempts=F("attempts") + 1, last_error=str(exc)[:300],
            )
        return "failed"


def send_pending(max_rows: int | None = None) -> dict:
    """Deliver claimed batches until the outbox is empty or ``max_rows`` were handled."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    handled = 0
    while max_rows is None or handled < max_rows:
        token, ids = claim()
        if not ids:
            break
        opt_outs, languages = email_opt_outs(ids), languages_of(ids)
        with get_connection() as mail:
            for row_id in ids:
                counts[deliver(row_id, token, mail, opt_outs, languages)] += 1
        handled += len(ids)
    counts["more"] = Outbox.objects.filter(status=Outbox.Status.PENDING).exists()
    return counts
