from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"

    def ready(self):
        from notifications import inbox
        from pmis import confidential, demo

        from .confidentiality import readable_filter, readable_objects
        from .models import AppraisalQuerySet
        from .waiting import Appraisals, WeeklyLogs

        # The audit trail shows an appraisal's events only to those who may read the appraisal.
        confidential.register(readable_objects)
        AppraisalQuerySet.readable_filter = staticmethod(readable_filter)
        demo.register(30, seed_appraisals)
        demo.register(40, seed_profiles)
        # The work inbox: what each appraisal waits for, and from whom.
        inbox.register(Appraisals())
        inbox.register(WeeklyLogs())


def seed_appraisals(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo import seed_appraisals

    seed_appraisals(admin)


def seed_profiles(admin):
    from .demo_profiles import seed_profiles

    seed_profiles(admin)
