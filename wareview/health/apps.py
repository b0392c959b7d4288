from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "wareview.health"
    verbose_name = "Health"
