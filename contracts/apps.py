from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from pmis import demo
        from scorecards import dashboards

        from . import tasks
        from .cycle import events
        from .monitoring import participation

        demo.register(10, seed_contracts)
        demo.register(15, seed_monitoring)  # progress reports on the contracts seeded above
        # The institution dashboard's participation card counts contracts and reports, which this app owns.
        dashboards.register_participation(participation)
        # The cycle says when a version is fixed, signed or amended; its PDF is queued on commit.
        events.version_changed.connect(tasks.queue_after_commit, dispatch_uid="contracts.pdf_on_version")


def seed_contracts(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo.cycle import seed_contracts

    seed_contracts(admin)


def seed_monitoring(admin):
    from .demo.monitoring import seed_monitoring

    seed_monitoring(admin)
