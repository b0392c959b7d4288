from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "wareview.milestones"
    verbose_name = "Milestones"
