from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "wareview.portfolio"
    verbose_name = "Portfolio"
