import tarfile

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from pmis.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive made by `backup` into the configured database and MEDIA_ROOT, then check "
            "every table's row count against the manifest and re-verify the audit hash chains.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Do not ask for confirmation.")
        parser.add_argument("--skip-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, archive, interactive=True, skip_media=False, **options):
        try:
            manifest = read_manifest(archive)
        except (BackupError, OSError, KeyError, tarfile.TarError, ValueError) as error:
            raise CommandError(f"Not a PMIS backup: {error}") from None
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(f"This replaces the data in database {name!r} with the backup of "
                           f"{manifest['created_at']}. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore_backup(archive, media=not skip_media, stdout=self.stdout)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored {manifest['total_rows']} rows in {len(manifest['tables'])} tables "
            f"from the backup of {manifest['created_at']}; row counts match the manifest."))
