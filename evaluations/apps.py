from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"

    def ready(self):
        from notifications import inbox
        from pmis import demo
        from scorecards import dashboards

        from .results import for_dashboard
        from .waiting import Evaluations

        # The work inbox: what each evaluation waits for, and from whom; importing ``waiting`` also
        # registers the self-evaluation's reminder rule with the cycle calendar's sweep.
        inbox.register(Evaluations())
        # The institution dashboard shows the evaluated result; scorecards sits below this app.
        dashboards.register_evaluated(for_dashboard)
        # Last year's results, evaluated and released, after the contracts seed has signed that year.
        demo.register(50, seed_evaluations)


def seed_evaluations(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo import seed_evaluations

    seed_evaluations(admin)
