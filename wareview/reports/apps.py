from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wareview.reports"
    verbose_name = "Reports"
