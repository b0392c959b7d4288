from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "wareview.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The producing apps send their signals after commit and know nothing of webhooks; tasks registers the
        # task the services send by name (DELIVER_TASK).
        from wareview.evidence.signals import evidence_expired
        from wareview.milestones.signals import milestone_saved
        from wareview.plans.signals import items_changed
        from wareview.reports.signals import report_ready
        from wareview.reviews.signals import review_completed
        from wareview.webhooks import receivers, tasks  # noqa: F401

        milestone_saved.connect(receivers.milestone_saved, dispatch_uid="webhooks.milestone_saved")
        review_completed.connect(receivers.review_completed, dispatch_uid="webhooks.review_completed")
        report_ready.connect(receivers.report_ready, dispatch_uid="webhooks.report_ready")
        items_changed.connect(receivers.items_changed, dispatch_uid="webhooks.items_changed")
        evidence_expired.connect(receivers.evidence_expired, dispatch_uid="webhooks.evidence_expired")
