from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"

    def ready(self):
        from pmis import confidential

        from .confidentiality import readable_objects

        # The audit trail shows an appraisal's events only to those who may read the appraisal.
        confidential.register(readable_objects)
