from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wareview.api"
    label = "api"
    verbose_name = "JSON API"
