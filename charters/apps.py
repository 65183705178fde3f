from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "charters"

    def ready(self):
        from notifications import inbox
        from pmis import demo

        from .waiting import Complaints

        demo.register(20, seed_charters)
        # The work inbox: complaints to handle, overdue ones first.
        inbox.register(Complaints())


def seed_charters(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo import seed_charters

    seed_charters(admin)
