from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "wareview.teams"
    verbose_name = "Teams"
