"""Reads for reports: everything a report shows, as plain dataclasses, in a fixed number of queries."""

from collections import defaultdict

from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from wareview.lenses.models import Choice, DesignPrinciple, FocusArea, Pillar
from wareview.reports.data import (
    AreaPath,
    AreaSection,
    Practice,
    QuestionFacts,
    ReportData,
    principle_support,
)
from wareview.reports.models import Report
from wareview.reports.recommendations import recommendations_prioritize
from wareview.reviews.models import Answer, NotApplicableReason, Review

REASON_LABELS = dict(NotApplicableReason.choices)


def report_data(*, review: Review) -> ReportData:
    """The whole report of `review`: six queries whatever the size of the lens, plus one each for the review's
    workload (with its team) and lens when the caller did not load them."""
    lens_id = review.lens_id
    pillars = {row["id"]: row for row in Pillar.objects.filter(lens_id=lens_id).values("id", "order", "name")}
    areas = {row["id"]: row for row in FocusArea.objects.filter(pillar__lens_id=lens_id).values()}
    practices = _practices(lens_id)
    questions = sorted(
        (_question_facts(row, pillars, areas, practices) for row in _answer_rows(review)),
        key=QuestionFacts.sort_key,
    )
    principles = (
        DesignPrinciple.objects.filter(pillar__lens_id=lens_id)
        .order_by("pillar__order", "order", "pk")
        .values_list("code", "name", "description")
    )
    workload = review.workload
    return ReportData(
        review_id=review.pk,
        workload_name=workload.name,
        team_name=workload.team.name,
        lens_name=review.lens.name,
        lens_version=review.lens.version,
        review_owner=workload.review_owner,
        generated_at=timezone.now(),
        areas=_sections(questions),
        principles=principle_support(principles=list(principles), questions=questions),
        recommendations=recommendations_prioritize(questions=questions),
    )


def review_answers_fingerprint(*, review_id: int, lens_id: int) -> str:
    """The state of a review's answers in a few characters, in one query. Every save bumps an answer's version,
    so the sum of versions grows with each change; the lens (a move to a new version), the number of answers and
    the last save time are added so the fingerprint cannot repeat."""
    facts = Answer.objects.filter(review_id=review_id).aggregate(
        count=Count("pk"), versions=Sum("version"), latest=Max("updated_at")
    )
    latest = facts["latest"].isoformat() if facts["latest"] else "-"
    return f"{lens_id}:{facts['count']}:{facts['versions'] or 0}:{latest}"


def review_recent_reports(*, review: Review, limit: int = 5) -> QuerySet[Report]:
    return Report.objects.filter(review=review).select_related("requested_by")[:limit]


def _answer_rows(review: Review) -> QuerySet:
    return Answer.objects.filter(review=review).values(
        "selected",
        "risk",
        "notes",
        "reason",
        "question_id",
        "question__code",
        "question__title",
        "question__order",
        "question__pillar_id",
        "question__focus_area_id",
    )


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
    for row in choices.values(
        "id", "question_id", "code", "title", "order", "is_none", "improvement_text", "improvement_url"
    ):
        choice_id, question_id = row.pop("id"), row.pop("question_id")
        by_question[question_id].append(Practice(**row, principles=frozenset(supports[choice_id])))
    return by_question


def _question_facts(row: dict, pillars: dict, areas: dict, practices: dict) -> QuestionFacts:
    area_id = row["question__focus_area_id"]
    return QuestionFacts(
        code=row["question__code"],
        title=row["question__title"],
        risk=row["risk"],
        practices=tuple(practices.get(row["question_id"], ())),
        selected=frozenset(row["selected"] or ()),
        order=row["question__order"],
        pillar_order=pillars[row["question__pillar_id"]]["order"],
        area_path=_area_path(area_id, areas),
        area_name=_area_name(area_id, areas) or pillars[row["question__pillar_id"]]["name"],
        notes=row["notes"],
        not_applicable_reason=REASON_LABELS.get(row["reason"], row["reason"]),
    )


def _area_path(area_id: int | None, areas: dict) -> AreaPath:
    path = []
    while area_id is not None and len(path) < len(areas):  # the bound guards against a cycle of parents
        area = areas[area_id]
        path.append((area["order"], area["code"]))
        area_id = area["parent_id"]
    return tuple(reversed(path))


def _area_name(area_id: int | None, areas: dict) -> str:
    if area_id is None:
        return ""
    area = areas[area_id]
    parent = areas.get(area["parent_id"])
    return f"{parent['name']} › {area['name']}" if parent else area["name"]


def _sections(questions: list[QuestionFacts]) -> list[AreaSection]:
    """Consecutive questions of the same area, already in lens order, grouped into sections."""
    sections: dict[tuple, AreaSection] = {}
    for question in questions:
        key = (question.pillar_order, question.area_path, question.area_name)
        sections.setdefault(key, AreaSection(name=question.area_name)).questions.append(question)
    return list(sections.values())
