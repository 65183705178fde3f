from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "charters"

    def ready(self):
        from pmis import demo

        demo.register(20, seed_charters)


def seed_charters(admin):
    # Imported when the demo is seeded, not at every start-up.
    from .demo import seed_charters

    seed_charters(admin)
