from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.ops.archive import BackupError
from wareview.ops.services import backup_create


class Command(BaseCommand):
    help = (
        "Write one archive holding all of wareview's state: a consistent dump of the database (pg_dump on "
        "PostgreSQL, SQLite's online backup on the embedded default), every file of the storage (report PDFs, "
        "evidence files) and a manifest with each file's size and sha256. Safe while the app runs. "
        "`manage.py restore` brings it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive",
            type=Path,
            help="Where to write the archive: a tar file, gzip-compressed when the name ends in .gz or .tgz "
            "(e.g. wareview-2026-01-31.tar.gz). An existing file there is replaced once the archive is complete.",
        )

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        try:
            manifest = backup_create(path=archive)
        except BackupError as error:
            raise CommandError(f"No backup was written: {error}") from None
        stored = sum(member.size for member in manifest.files)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {archive}: the {manifest.vendor} database ({_size(manifest.database.size)}) and "
                f"{len(manifest.files)} stored file{'' if len(manifest.files) == 1 else 's'} ({_size(stored)})."
            )
        )


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} kB"
