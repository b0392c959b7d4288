from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.webhooks.services import deliveries_prune


class Command(BaseCommand):
    help = (
        "Delete finished webhook deliveries, with their tries, last tried more than WEBHOOK_DELIVERY_RETENTION_DAYS "
        "days ago; those still being sent stay. Celery beat runs this every day; on the embedded default, run it "
        "from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            help=(
                "Keep deliveries this many days instead of WEBHOOK_DELIVERY_RETENTION_DAYS "
                f"({settings.WEBHOOK_DELIVERY_RETENTION_DAYS})."
            ),
        )

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = deliveries_prune(days=days)
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} webhook deliver{'y' if deleted == 1 else 'ies'}."))
