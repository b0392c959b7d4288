from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "wareview.evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from wareview.evidence import signals  # noqa: F401  (connects the receivers)
