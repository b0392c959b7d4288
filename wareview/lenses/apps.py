from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save, pre_save


class LensesConfig(AppConfig):
    name = "wareview.lenses"
    verbose_name = "Question sets"

    def ready(self) -> None:
        from wareview.lenses import models

        # A published lens never changes: see "Published lenses never change" in models.py.
        for model in (
            models.Lens,
            models.Pillar,
            models.DesignPrinciple,
            models.FocusArea,
            models.Question,
            models.Choice,
            models.RiskRule,
            models.ProfileQuestion,
        ):
            pre_save.connect(models.lens_row_pre_save, sender=model, dispatch_uid=f"published-lens-{model.__name__}")
        post_save.connect(models.lens_post_save, sender=models.Lens, dispatch_uid="published-lens-loads")
        m2m_changed.connect(
            models.principle_links_pre_change,
            sender=models.Choice.principles.through,
            dispatch_uid="published-lens-principle-links",
        )
