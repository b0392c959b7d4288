"""Reads of workloads."""

from dataclasses import dataclass

from wareview.workloads.models import Workload


@dataclass(frozen=True)
class GoesWithWorkload:
    """What deleting a workload deletes with it, counted for the page that asks to confirm."""

    reviews: int
    milestones: int
    plan_items: int
    reports: int


def workload_deletion_counts(*, workload: Workload) -> GoesWithWorkload:
    # Through the reverse relations, so this app needs to import none of the apps that build on it.
    return GoesWithWorkload(
        reviews=workload.reviews.count(),
        milestones=workload.milestones.count(),
        plan_items=Workload.objects.filter(pk=workload.pk, reviews__improvement_items__isnull=False).count(),
        reports=Workload.objects.filter(pk=workload.pk, reviews__reports__isnull=False).count(),
    )
