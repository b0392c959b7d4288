from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wareview.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # signals connects the file clean-up; tasks registers the tasks the services send by name (RENDER_TASK).
        from wareview.reports import signals, tasks  # noqa: F401
