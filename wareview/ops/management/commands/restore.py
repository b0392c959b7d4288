from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.ops.archive import BackupError
from wareview.ops.services import backup_restore


class Command(BaseCommand):
    help = (
        "Bring back an archive written by `manage.py backup`: its database into the database DATABASES names "
        "and its files into the storage. The whole archive is checked first; a damaged or foreign archive, one "
        "from another kind of database or a newer wareview, or a database or storage that is not empty is "
        "refused with the reason, and nothing is changed. Stop the web app and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The archive to restore (.tar, .tar.gz or .tgz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database has rows or the storage has files: the archive's tables "
            "replace the database's, and its files replace stored files of the same name (other files stay).",
        )

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        try:
            result = backup_restore(path=archive, force=force)
        except BackupError as error:
            raise CommandError(f"{archive} was not restored: {error}") from None
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest.vendor} database and {len(manifest.files)} stored "
                f"file{'' if len(manifest.files) == 1 else 's'} from the backup made {manifest.created_at} "
                f"(wareview {manifest.wareview_version})."
            )
        )
        if result.pending_migrations:
            self.stdout.write(
                f"The backup predates {result.pending_migrations} migration(s) of this wareview: "
                "run manage.py migrate before starting the app."
            )
