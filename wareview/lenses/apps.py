from django.apps import AppConfig


class LensesConfig(AppConfig):
    name = "wareview.lenses"
    verbose_name = "Question sets"
