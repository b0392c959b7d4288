from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "wareview.plans"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        # The plan follows the answers: a practice ticked in the review marks its item done, unticked reopens it.
        from wareview.plans import receivers
        from wareview.reviews.signals import answer_practices_changed

        answer_practices_changed.connect(receivers.answer_practices_changed, dispatch_uid="plans.follow_answers")
