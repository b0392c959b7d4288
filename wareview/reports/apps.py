from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wareview.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from wareview.reports import signals  # noqa: F401  (connects the file clean-up)
