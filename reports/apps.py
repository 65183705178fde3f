from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from pmis import confidential

        # The audit trail shows a report's request and downloads only to those who may read the report.
        confidential.register(readable_objects)


def readable_objects(user):
    from .models import GeneratedReport

    return {GeneratedReport: GeneratedReport.objects.readable_by(user)}
