from django.apps import AppConfig


class WorkloadsConfig(AppConfig):
    name = "wareview.workloads"
    verbose_name = "Workloads"
