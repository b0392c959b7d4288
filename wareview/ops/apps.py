from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "wareview.ops"
    verbose_name = "Operations"
