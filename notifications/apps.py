from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pmis import audit
        from pmis.auth import annotate_signed_in_user
        from pmis.selectors import register_leading_panel

        # rules registers the built-in sweep rules; tasks the Celery tasks the inbox enqueues by name
        from . import inbox, language, rules, tasks, waiting  # noqa: F401
        from .context_processors import UNREAD, unread_count
        from .selectors import deadlines_panel, inbox_panel, team_panel

        annotate_signed_in_user(UNREAD, unread_count)
        annotate_signed_in_user(inbox.OPEN, inbox.open_count)
        annotate_signed_in_user(inbox.LEADS, inbox.leads)
        # The work inbox: contracts and their reports here; appraisals and charters register theirs.
        inbox.register(waiting.Contracts())
        inbox.register(waiting.Reports())
        audit.recorded.connect(inbox.on_recorded, dispatch_uid="notifications.inbox")
        user_logged_in.connect(language.on_login, dispatch_uid="notifications.language")
        # "Waiting for you" first, then what the team has not done, then the cycle's deadlines.
        register_leading_panel(inbox_panel)
        register_leading_panel(team_panel)
        register_leading_panel(deadlines_panel)
