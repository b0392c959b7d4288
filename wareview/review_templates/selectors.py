"""Reads for review templates: a team's templates, and what a new review may be pre-filled from."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Lower

from wareview.lenses.models import Lens
from wareview.review_templates.models import ReviewTemplate
from wareview.reviews.models import Review
from wareview.teams.models import Team

# How many of the team's reviews "Copy answers from" offers, newest first.
REVIEW_SOURCES = 50


def team_templates(*, team: Team) -> QuerySet[ReviewTemplate]:
    """The team's templates by name, with their lens and author: a query, to show a page at a time."""
    return ReviewTemplate.objects.filter(team=team).select_related("lens", "created_by").order_by(Lower("name"), "pk")


@dataclass(frozen=True)
class PrefillSource:
    """What a new review may be pre-filled from: a template of the team, or another review of the team.

    `key` is its value in the form; `label` what `Answer.prefilled_from` says of it ("template Payments
    baseline", "review Checkout (2026-10-02)"); `lens` the lens version its answers belong to."""

    key: str
    label: str
    lens: Lens
    template: ReviewTemplate | None = None
    review: Review | None = None


def prefill_sources(*, team: Team, lens: Lens) -> list[PrefillSource]:
    """The team's templates and its reviews (newest first, at most `REVIEW_SOURCES`) on the question set of
    `lens`, saved from its version or an earlier one (their answers follow the upgrade mapping to it). Two
    queries."""
    same_set = {"lens__slug": lens.slug, "lens__version__lte": lens.version}
    templates = team_templates(team=team).filter(**same_set)
    reviews = (
        Review.objects.filter(workload__team=team, **same_set)
        .select_related("workload", "lens")
        .order_by("-created_at", "-pk")[:REVIEW_SOURCES]
    )
    return [
        *(PrefillSource(f"template-{t.pk}", f"template {t.name}", t.lens, template=t) for t in templates),
        *(PrefillSource(f"review-{r.pk}", review_label(r), r.lens, review=r) for r in reviews),
    ]


def review_label(review: Review) -> str:
    """How a pre-filled answer names the review it was copied from."""
    return f"review {review.workload.name} ({review.created_at:%Y-%m-%d})"
