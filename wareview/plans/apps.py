from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "wareview.plans"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        # The plan follows the answers: a practice ticked in the review marks its item done, unticked reopens it,
        # and the items keep their place in the plan as the answers' risks change and the review changes lens
        # version or the workload profile marks what does not apply.
        from wareview.plans import receivers
        from wareview.reviews.signals import answer_standing_changed, answers_changed_in_bulk, review_upgraded

        answer_standing_changed.connect(receivers.answer_standing_changed, dispatch_uid="plans.follow_answers")
        review_upgraded.connect(receivers.review_upgraded, dispatch_uid="plans.follow_upgrades")
        answers_changed_in_bulk.connect(receivers.answers_changed_in_bulk, dispatch_uid="plans.follow_bulk_changes")
