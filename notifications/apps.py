from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self):
        from pmis.auth import annotate_signed_in_user
        from pmis.selectors import register_leading_panel

        from . import rules  # noqa: F401 - registers the built-in sweep rules
        from .context_processors import UNREAD, unread_count
        from .selectors import deadlines_panel

        annotate_signed_in_user(UNREAD, unread_count)
        register_leading_panel(deadlines_panel)
