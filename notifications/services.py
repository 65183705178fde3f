"""State changes users make: marking notifications read and choosing email preferences."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import kinds
from .models import LanguagePreference, Notification, NotificationPreference


def mark_read(user, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionError("Not your notification.")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def set_email_preferences(user, choices: dict[str, bool]) -> None:
    """Email on/off per non-critical category; critical categories are always emailed."""
    allowed = {key for key, _label in kinds.non_critical_categories()}
    for category, email in choices.items():
        if category in allowed:
            NotificationPreference.objects.update_or_create(user=user, category=category, defaults={"email": email})


def set_language(user, language: str) -> None:
    """The language PMIS writes the user's notifications and emails in (an unknown code changes nothing)."""
    if language in dict(settings.LANGUAGES):
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
