from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wareview.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # signals records sign-ins; tasks registers the pruning that Celery beat runs by name.
        from wareview.audit import signals, tasks  # noqa: F401
