from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "wareview.profiles"
    verbose_name = "Workload profiles"
