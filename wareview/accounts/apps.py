from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wareview.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from wareview.accounts import checks  # noqa: F401  (registers the system checks)
