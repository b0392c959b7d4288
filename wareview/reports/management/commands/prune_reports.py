from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.reports.services import jobs_prune


class Command(BaseCommand):
    help = (
        "Delete PDF reports asked for more than REPORT_RETENTION_DAYS days ago, with their files, and any file "
        "under reports/ in the storage (MEDIA_ROOT, or the bucket STORAGE_URL names) that no report names any "
        "more (older than an hour), and mark failed the reports left queued or rendering too long to finish. "
        "Celery beat runs this "
        "every hour; on the embedded default the app runs it in-process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            help=f"Keep reports this many days instead of REPORT_RETENTION_DAYS ({settings.REPORT_RETENTION_DAYS}).",
        )

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        result = jobs_prune(days=days)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {result.reports} report(s) and {result.orphan_files} orphan file(s); "
                f"marked {result.expired} stale report(s) failed."
            )
        )
