"""Tags of the PDF job pages."""

from django import template

from wareview.health.checks import worker_missing

register = template.Library()


@register.simple_tag
def no_worker_running() -> bool:
    """Whether a queued PDF waits for a worker that is not running (the one `/healthz` reports as failing)."""
    return worker_missing()
