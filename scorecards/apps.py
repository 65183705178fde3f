from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self):
        from pmis import activity

        from .grades import grade_label, table_label

        # The audit trail reads a band table's stored name and its bands' grades as people do.
        activity.register_value_label("scorecards.bandtable", "name", table_label)
        activity.register_value_label("scorecards.bandtable", "grade", grade_label)
