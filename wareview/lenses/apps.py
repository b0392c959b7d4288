from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LensesConfig(AppConfig):
    name = "wareview.lenses"
    verbose_name = "Question sets"

    def ready(self) -> None:
        from wareview.lenses.models import Choice, Lens, Question, RiskRule
        from wareview.lenses.selectors import question_sheets_forget

        for model in (Lens, Question, Choice, RiskRule):
            post_save.connect(question_sheets_forget, sender=model, dispatch_uid=f"forget-sheets-{model.__name__}")
            post_delete.connect(
                question_sheets_forget, sender=model, dispatch_uid=f"forget-sheets-del-{model.__name__}"
            )
