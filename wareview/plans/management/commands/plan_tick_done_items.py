from typing import Any

from django.core.management.base import BaseCommand

from wareview.plans.services import items_done_tick_practices


class Command(BaseCommand):
    help = (
        "Tick in the review the practice of every improvement item marked Done whose answer does not have it "
        "ticked (items marked Done before marking an item Done ticked its practice). Each tick goes through the "
        'answer\'s save and its history says "ticked from the improvement plan". Closed reviews are '
        "left as they were closed. Safe to run again: it ticks only what is missing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ticked = items_done_tick_practices()
        self.stdout.write(self.style.SUCCESS(f"Ticked the practice of {ticked} done item(s)."))
