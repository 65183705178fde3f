from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PmisConfig(AppConfig):
    name = "pmis"
    verbose_name = _("Organisation")

    def ready(self):
        from . import (
            access,
            credentials,  # noqa: F401 - a new password revokes tokens and sessions
            navigation,  # noqa: F401 - connects the sign-in signal that fills the menu
            sessions,  # noqa: F401 - connects the sign-in signal that starts the idle timer
            twofactor,  # noqa: F401 - an authenticator deleted anywhere is audited and told
        )

        access.connect()
