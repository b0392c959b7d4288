from django.apps import AppConfig


class ReviewTemplatesConfig(AppConfig):
    name = "wareview.review_templates"
    verbose_name = "Review templates"
