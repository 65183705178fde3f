from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pmis import twofactor


class Command(BaseCommand):
    help = ("Print the current authenticator code of a user's TOTP device (for the demo logins and browser "
            "tests; it reads the secret key from the database, so only an administrator can run it).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        code = twofactor.current_code(user)
        if code is None:
            raise CommandError(f"{username} has no confirmed authenticator device.")
        self.stdout.write(code)
