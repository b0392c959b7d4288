"""Reads for reports: everything a report shows, as plain dataclasses, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import replace

from django.db.models import Count, Max, QuerySet, Subquery, Sum
from django.utils import timezone

from wareview.lenses.models import Choice, DesignPrinciple
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reports.data import (
    AreaSection,
    Practice,
    PracticeNotApplicable,
    QuestionFacts,
    Recommendation,
    ReportData,
    principle_support,
)
from wareview.reports.models import Report
from wareview.reports.recommendations import quick_wins, recommendations_prioritize
from wareview.reviews.models import Answer, NotApplicableReason, Review
from wareview.reviews.selectors import OutlineArea, OutlineQuestion, review_outline

REASON_LABELS = dict(NotApplicableReason.choices)


def report_data(*, review: Review, plan: bool = True) -> ReportData:
    """The whole report of `review`, built on the review's outline (`reviews.selectors.review_outline`, so its
    areas and questions come in the navigation's order): five queries whatever the size of the lens (four without
    `plan`, the status and owner of each recommendation in the improvement plan), plus one each for the review's
    workload (with its team) and lens when the caller did not load them."""
    lens_id = review.lens_id
    practices = _practices(lens_id)
    areas = [_section(area, practices) for area in review_outline(review=review, answers=True).areas]
    questions = [question for area in areas for question in area.questions]
    principles = (
        DesignPrinciple.objects.filter(pillar__lens_id=lens_id)
        .order_by("pillar__order", "order", "pk")
        .values_list("code", "name", "description")
    )
    workload = review.workload
    recommendations = recommendations_prioritize(questions=questions)
    if plan:
        recommendations = _with_plan(review, recommendations)
    return ReportData(
        review_id=review.pk,
        workload_name=workload.name,
        team_name=workload.team.name,
        lens_name=review.lens.name,
        lens_version=review.lens.version,
        review_owner=workload.review_owner,
        generated_at=timezone.now(),
        areas=areas,
        principles=principle_support(principles=list(principles), questions=questions),
        recommendations=recommendations,
        quick_wins=quick_wins(recommendations),
    )


def _with_plan(review: Review, recommendations: list[Recommendation]) -> list[Recommendation]:
    """The recommendations with their item's status and owner; one without an item yet is open, with nobody."""
    items = {
        (question, practice): (STATUS_LABELS[status], owner or "")
        for question, practice, status, owner in ImprovementItem.objects.filter(review=review).values_list(
            "question_code", "practice_code", "status", "owner__username"
        )
    }
    unplanned = (STATUS_LABELS[ItemStatus.OPEN], "")
    return [
        replace(item, plan_status=status, plan_owner=owner)
        for item in recommendations
        for status, owner in [items.get(item.key, unplanned)]
    ]


STATUS_LABELS = dict(ItemStatus.choices)


def review_answers_fingerprint(*, review_id: int, lens_id: int) -> str:
    """The state of what a review's report shows in a few characters, in one query. Every save bumps an answer's
    version, so the sum of versions grows with each change; the lens (a move to a new version), the number of
    answers and the last save time are added so the fingerprint cannot repeat, and the workload's last change
    (its name and facts are on the cover) so an edited workload gets a new report."""
    facts = Answer.objects.filter(review_id=review_id).aggregate(
        count=Count("pk"),
        versions=Sum("version"),
        latest=Max("updated_at"),
        workload_changed=Max("review__workload__updated_at"),
        # The report shows each recommendation's plan status and owner: a change to the plan is a new report.
        plan_changed=Max(Subquery(_plan_last_change(review_id))),
    )
    latest = facts["latest"].isoformat() if facts["latest"] else "-"
    workload = facts["workload_changed"].isoformat() if facts["workload_changed"] else "-"
    plan = facts["plan_changed"].isoformat() if facts["plan_changed"] else "-"
    return f"{lens_id}:{facts['count']}:{facts['versions'] or 0}:{latest}:{workload}:{plan}"


def _plan_last_change(review_id: int) -> QuerySet:
    return ImprovementItem.objects.filter(review_id=review_id).order_by("-updated_at").values("updated_at")[:1]


def review_recent_reports(*, review: Review, limit: int = 5) -> QuerySet[Report]:
    return Report.objects.filter(review=review).select_related("requested_by")[:limit]


def _practices(lens_id: int) -> dict[int, list[Practice]]:
    """Each question's practices in order, with the codes of the principles (of its own pillar) they support."""
    supports = defaultdict(set)
    links = Choice.principles.through.objects.filter(choice__question__pillar__lens_id=lens_id).values_list(
        "choice_id", "designprinciple__code", "designprinciple__pillar_id", "choice__question__pillar_id"
    )
    for choice_id, principle_code, principle_pillar, question_pillar in links:
        if principle_pillar == question_pillar:
            supports[choice_id].add(principle_code)
    by_question = defaultdict(list)
    choices = Choice.objects.filter(question__pillar__lens_id=lens_id).order_by("order", "pk")
    fields = ("code", "title", "order", "is_none", "improvement_text", "improvement_url", "effort", "impact")
    for row in choices.values("id", "question_id", *fields):
        choice_id, question_id = row.pop("id"), row.pop("question_id")
        by_question[question_id].append(Practice(**row, principles=frozenset(supports[choice_id])))
    return by_question


def _section(area: OutlineArea, practices: dict) -> AreaSection:
    return AreaSection(name=area.label, questions=[_question_facts(q, area, practices) for q in area.questions])


def _question_facts(question: OutlineQuestion, area: OutlineArea, practices: dict) -> QuestionFacts:
    own = tuple(practices.get(question.question_id, ()))
    return QuestionFacts(
        code=question.code,
        title=question.title,
        risk=question.risk,
        practices=own,
        selected=frozenset(question.selected),
        order=question.order,
        pillar_order=area.pillar_order,
        area_path=area.path,
        area_name=area.label,
        notes=question.notes,
        not_applicable_reason=REASON_LABELS.get(question.reason, question.reason),
        practices_not_applicable=_practices_not_applicable(question, own),
    )


def _practices_not_applicable(question: OutlineQuestion, practices: tuple[Practice, ...]) -> tuple:
    """The question's best practices marked as not applying, in the question's order, reasons in words."""
    marks = question.practices_not_applicable
    return tuple(
        PracticeNotApplicable(
            practice=practice,
            reason=REASON_LABELS.get(marks[practice.code].get("reason", ""), ""),
            note=marks[practice.code].get("note", ""),
        )
        for practice in practices
        if practice.code in marks
    )
