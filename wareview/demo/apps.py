from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo sign-in and data that `make run` sets up: the one app that may reach into every other."""

    name = "wareview.demo"
    label = "demo"
