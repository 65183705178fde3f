from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"

    def ready(self):
        from notifications import inbox
        from scorecards import dashboards

        from .results import for_dashboard
        from .waiting import Evaluations

        # The work inbox: what each evaluation waits for, and from whom; importing ``waiting`` also
        # registers the self-evaluation's reminder rule with the cycle calendar's sweep.
        inbox.register(Evaluations())
        # The institution dashboard shows the evaluated result; scorecards sits below this app.
        dashboards.register_evaluated(for_dashboard)
