from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.audit.services import audit_prune


class Command(BaseCommand):
    help = (
        "Delete audit entries older than AUDIT_RETENTION_DAYS days, the only way entries ever leave the log. "
        "Celery beat runs this every day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            help=f"Keep entries this many days instead of AUDIT_RETENTION_DAYS ({settings.AUDIT_RETENTION_DAYS}).",
        )

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = audit_prune(days=days)
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} audit entr{'y' if deleted == 1 else 'ies'}."))
