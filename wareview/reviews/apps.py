from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "wareview.reviews"
    verbose_name = "Reviews"
