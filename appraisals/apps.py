from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"

    def ready(self):
        from notifications import cycle, inbox, rules
        from notifications.models import Stage
        from pmis import confidential, demo

        from . import reminders
        from .confidentiality import readable_filter, readable_objects
        from .models import AppraisalQuerySet
        from .waiting import Appraisals, WeeklyLogs, WeekReviews

        # The audit trail shows an appraisal's events only to those who may read the appraisal.
        confidential.register(readable_objects)
        AppraisalQuerySet.readable_filter = staticmethod(readable_filter)
        demo.register(30, seed_appraisals)
        demo.register(40, seed_profiles)
        # The work inbox: what each appraisal waits for, and from whom.
        inbox.register(Appraisals())
        inbox.register(WeeklyLogs())
        inbox.register(WeekReviews())
        # A missing week's log: a deadline of the reminder sweep, one per week (``reminders``).
        cycle.register_weekly(Stage.WEEKLY_LOG, reminders.weeks)
        if reminders.missing_logs not in rules.RULES[Stage.WEEKLY_LOG]:
            rules.register(Stage.WEEKLY_LOG)(reminders.missing_logs)


def seed_appraisals(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo import seed_appraisals

    seed_appraisals(admin)


def seed_profiles(admin):
    from .demo_profiles import seed_profiles

    seed_profiles(admin)
