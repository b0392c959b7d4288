from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started


class ReportsConfig(AppConfig):
    name = "wareview.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # signals connects the file clean-up; tasks registers the tasks the services send by name (RENDER_TASK).
        from wareview.reports import background, signals, tasks  # noqa: F401

        if settings.REPORT_RENDER_IN_THREAD:
            # The process serves pages: load the PDF renderer in the background before anyone asks for a PDF.
            request_started.connect(background.warm_up, dispatch_uid="reports.warm_up")
