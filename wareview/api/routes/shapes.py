"""Rows and read models as the API shows them (plain dicts, checked against schemas.py on the way out)."""

from wareview.lenses.models import Lens
from wareview.milestones.models import Milestone
from wareview.reports.models import Report
from wareview.workloads.forms import WorkloadForm
from wareview.workloads.models import Workload


def lens_shape(lens: Lens) -> dict:
    return {
        "id": lens.pk,
        "slug": lens.slug,
        "version": lens.version,
        "name": lens.name,
        "description": lens.description,
    }


def workload_shape(workload: Workload, *, reviews: list | None = None) -> dict:
    """Every field of the workload form, so a field added there shows here too, and its tags (sorted; a list
    prefetches them with `prefetch_related("tags")`)."""
    fields = {name: getattr(workload, name) for name in WorkloadForm.Meta.fields}
    shape = {
        "id": workload.pk,
        "team": workload.team_id,
        **fields,
        "tags": sorted(tag.name for tag in workload.tags.all()),
        "created_at": workload.created_at,
        "updated_at": workload.updated_at,
    }
    if reviews is not None:
        shape["reviews"] = [
            {
                "id": review.pk,
                "lens": lens_shape(review.lens),
                "status": review.status,
                "question_count": review.question_count,
                "answered_count": review.answered_count,
                "high_count": review.high_count,
                "medium_count": review.medium_count,
            }
            for review in reviews
        ]
    return shape


def milestone_shape(milestone: Milestone) -> dict:
    return {
        "id": milestone.pk,
        "name": milestone.name,
        "review": milestone.review_id,
        "lens": lens_shape(milestone.lens),
        "created_at": milestone.created_at,
        "created_by": milestone.created_by.get_username() if milestone.created_by else "",
        "question_count": milestone.question_count,
        "answered_count": milestone.answered_count,
        "high_count": milestone.high_count,
        "medium_count": milestone.medium_count,
    }


def report_shape(report: Report, *, download: str | None) -> dict:
    return {
        "id": report.pk,
        "review": report.review_id,
        "milestone": report.milestone_id,
        "status": Report.Status.FAILED.value if report.has_failed else report.status,
        "progress": report.progress,
        "stage": report.stage,
        "error": report.failure if report.has_failed else "",
        "created_at": report.created_at,
        "download": download if report.status == Report.Status.READY else None,
    }
