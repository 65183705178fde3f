from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from pmis import demo, selectors
        from scorecards import dashboards

        from . import coverage, tasks
        from .cycle import events
        from .monitoring import participation, participation_rows, quarter_reports

        demo.register(10, seed_contracts)
        demo.register(15, seed_monitoring)  # progress reports on the contracts seeded above
        demo.register(16, seed_last_year)  # the year before, signed, for the year-end evaluation to show
        # The institution dashboard's participation card counts contracts and reports, which this app owns.
        dashboards.register_participation(participation)
        # The exports carry each quarter report's lateness (its due date, submission and days late).
        dashboards.register_reports(quarter_reports, participation_rows)
        # The org-unit page lists officers with their plan's status, which this app owns.
        selectors.register_plan_status(coverage.with_plan_status, coverage.status_label)
        # The cycle says when a version is fixed, signed or amended; its PDF is queued on commit.
        events.version_changed.connect(tasks.queue_after_commit, dispatch_uid="contracts.pdf_on_version")


def seed_contracts(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo.cycle import seed_contracts

    seed_contracts(admin)


def seed_monitoring(admin):
    from .demo.monitoring import seed_monitoring

    seed_monitoring(admin)


def seed_last_year(admin):
    from .demo.history import seed_last_year

    seed_last_year(admin)
