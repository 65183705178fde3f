from django.core.management.base import BaseCommand, CommandError

from pmis.backup import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = ("Back up the database (pg_dump -Fc, or the SQLite file) and MEDIA_ROOT into one archive with a "
            "manifest of row counts. Prints the archive's path.")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="Folder for the archive (default: BACKUP_DIR).")

    def handle(self, *args, output=None, **options):
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = read_manifest(archive)
        self.stderr.write(f"{len(manifest['tables'])} tables, {manifest['total_rows']} rows, "
                          f"{manifest['media_files']} media files")
        self.stdout.write(str(archive))
