from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: the signed-in user's annotation the nav badge reads
UNREAD = "unread_notifications_count"


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self):
        from pmis.auth import annotate_signed_in_user

        from . import rules  # noqa: F401 - registers the built-in sweep rules
        from .context_processors import unread_count

        annotate_signed_in_user(UNREAD, unread_count)
