"""Reads for reports: everything a report shows, as plain dataclasses, in a fixed number of queries."""

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db.models import Count, Max, QuerySet, Subquery, Sum
from django.utils import timezone

from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.evidence.selectors import EvidenceRecord, EvidenceState, ReviewEvidence, VerifiedCount, review_evidence
from wareview.lenses.models import Choice, DesignPrinciple
from wareview.lib.numbers import percent
from wareview.milestones.compare import Comparison, outlines_compare
from wareview.milestones.models import Milestone
from wareview.milestones.selectors import latest_milestones, milestone_outline, practice_titles
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.portfolio.selectors import (
    Heatmap,
    MissingPractice,
    PortfolioRow,
    most_missing_practices,
    portfolio_heatmap,
    portfolio_lenses,
    portfolio_rows,
    portfolio_workloads,
)
from wareview.reports.data import (
    AreaSection,
    EvidenceToRefresh,
    Practice,
    PracticeNotApplicable,
    QuestionFacts,
    Recommendation,
    ReportData,
    TickedPractice,
    principle_support,
)
from wareview.reports.models import PortfolioReport, Report
from wareview.reports.recommendations import quick_wins, recommendations_prioritize
from wareview.reviews.models import Answer, NotApplicableReason, Review
from wareview.reviews.selectors import (
    OutlineArea,
    OutlineQuestion,
    ReviewOutline,
    living_reviews,
    review_outline,
    workload_reviews,
)
from wareview.workloads.models import Workload

REASON_LABELS = dict(NotApplicableReason.choices)


def report_data(
    *,
    review: Review,
    milestone: Milestone | None = None,
    plan: bool = True,
    changes: bool = True,
    evidence: bool = True,
) -> ReportData:
    """The whole report of `review`, built on the review's outline (`reviews.selectors.review_outline`, so its
    areas and questions come in the navigation's order): six queries whatever the size of the lens (one fewer
    without `plan`, the status and owner of each recommendation in the improvement plan, and one fewer without
    `evidence`, every item of evidence of the review), plus one each for the review's workload (with its team) and
    lens when the caller did not load them.

    With `milestone`, the report of the review as at that milestone: the same outline fed by the milestone's
    saved answers, against the lens version they answered, without the plan (which lives in the present) and
    without evidence (a milestone keeps none yet: `report_evidence` takes whatever evidence it will keep).
    Without one (and unless `changes` is off), the report adds what changed since the review's newest milestone,
    when it has one (one query to look, two more to compare, three with another lens version)."""
    lens = milestone.lens if milestone else review.lens
    practices = _practices(lens.pk)
    if milestone:
        outline = milestone_outline(milestone=milestone, answers=True)
    else:
        outline = review_outline(review=review, answers=True)
    areas = [_section(area, practices) for area in outline.areas]
    workload = review.workload
    shown = None
    if evidence and not milestone:
        shown = report_evidence(
            areas=areas,
            evidence=review_evidence(review_id=review.pk, team_id=workload.team_id),
            today=timezone.localdate(),
        )
    questions = [question for area in areas for question in area.questions]
    principles = (
        DesignPrinciple.objects.filter(pillar__lens_id=lens.pk)
        .order_by("pillar__order", "order", "pk")
        .values_list("code", "name", "description")
    )
    recommendations = recommendations_prioritize(questions=questions)
    since = None if milestone or not changes else _changes_since_latest(review=review, now=outline, practices=practices)
    if plan and not milestone:
        recommendations = _with_plan(review, recommendations)
    return ReportData(
        review_id=review.pk,
        workload_name=workload.name,
        team_name=workload.team.name,
        lens_name=lens.name,
        lens_version=lens.version,
        review_owner=workload.review_owner,
        generated_at=timezone.now(),
        areas=areas,
        principles=principle_support(principles=list(principles), questions=questions),
        recommendations=recommendations,
        quick_wins=quick_wins(recommendations),
        milestone_id=milestone.pk if milestone else None,
        as_at=milestone.as_at if milestone else "",
        changes_since=since[0].name if since else "",
        changes=since[1] if since else None,
        verified=shown.verified if shown else None,
        to_refresh=shown.to_refresh if shown else [],
        evidence_max_age_days=shown.max_age_days if shown else None,
    )


@dataclass(frozen=True)
class ShownEvidence:
    """What `report_evidence` adds to a report beside each question's ticked practices."""

    verified: VerifiedCount
    to_refresh: list[EvidenceToRefresh]
    max_age_days: int | None


def report_evidence(*, areas: list[AreaSection], evidence: ReviewEvidence, today: date) -> ShownEvidence:
    """Put `evidence` behind the answers of `areas`, in place: each answered question's ticked practices with
    their items and state (`QuestionFacts.ticked`), each area's verified count; and return the whole report's
    count with the expired items, oldest first. Pure: no query (a milestone may pass evidence of its own, and the
    day it was taken as `today`)."""
    by_practice: dict[tuple[str, str], list[EvidenceRecord]] = defaultdict(list)
    for record in evidence.records:
        by_practice[(record.question_code, record.practice)].append(record)
    to_refresh = []
    for area in areas:
        area.questions = [_with_ticked(question, by_practice, evidence, today) for question in area.questions]
        area.verified = VerifiedCount.of(item.state for question in area.questions for item in question.ticked)
        to_refresh += [
            EvidenceToRefresh(
                question=question, practice=item.practice, record=record, age_days=(today - record.verified_on).days
            )
            for question in area.questions
            for item in question.ticked
            if item.state == EvidenceState.EXPIRED
            for record in item.evidence
        ]
    verified = sum((area.verified for area in areas if area.verified), VerifiedCount())
    to_refresh.sort(key=lambda item: item.verified_on)  # stable: lens order among items of the same day
    return ShownEvidence(verified=verified, to_refresh=to_refresh, max_age_days=evidence.max_age_days)


def _with_ticked(
    question: QuestionFacts,
    by_practice: Mapping[tuple[str, str], list[EvidenceRecord]],
    evidence: ReviewEvidence,
    today: date,
) -> QuestionFacts:
    """The question with its ticked practices' evidence; a question not answered or not applying has none."""
    if not question.is_answered:
        return question
    ticked = []
    for practice in question.followed:
        records = by_practice.get((question.code, practice.code), [])
        state = evidence.state_of(records, today=today)
        ticked.append(TickedPractice(practice=practice, state=state, evidence=tuple(records)))
    return replace(question, ticked=tuple(ticked))


def workload_report_data(*, workload: Workload) -> list[ReportData]:
    """The report of each living review of `workload` (one per lens, by lens name): one query for the reviews,
    then `report_data`'s few queries per lens, whatever the size of each lens."""
    reports = []
    for review in living_reviews(workload_reviews(workload=workload)):
        review.workload = workload  # loaded with its team by the caller
        reports.append(report_data(review=review))
    return reports


def _changes_since_latest(
    *, review: Review, now: ReviewOutline, practices: dict[int, list[Practice]]
) -> tuple[Milestone, Comparison] | None:
    """What changed since the review's newest milestone, with that milestone; or, when nothing has changed since
    (a milestone saved a moment ago), since the milestone before it. None when the review has no milestone."""
    milestones = latest_milestones(review=review, count=2)
    titles: dict[int, Mapping[str, str]] = {
        question_id: {practice.code: practice.title for practice in own} for question_id, own in practices.items()
    }
    comparison = None
    for milestone in milestones:
        before = milestone_outline(milestone=milestone, answers=True)
        if milestone.lens_id != review.lens_id:
            titles.update(practice_titles(question_ids={question.question_id for question in before.questions}))
        comparison = outlines_compare(
            before=before,
            after=now,
            titles=titles,
            before_label=f"{milestone.name} ({milestone.date_label})",
            after_label="now",
        )
        if comparison.has_changes:
            return milestone, comparison
    return (milestones[0], comparison) if milestones and comparison else None


def _with_plan(review: Review, recommendations: list[Recommendation]) -> list[Recommendation]:
    """The recommendations with their item's status and owner; one without an item yet is open, with nobody."""
    items = {
        (question, practice): (status, owner or "")
        for question, practice, status, owner in ImprovementItem.objects.filter(review=review).values_list(
            "question_code", "practice_code", "status", "owner__username"
        )
    }
    unplanned = (ItemStatus.OPEN, "")
    return [
        replace(item, plan_status=STATUS_LABELS[status], plan_owner=owner, plan_wont_do=status == ItemStatus.WONT_DO)
        for item in recommendations
        for status, owner in [items.get(item.key, unplanned)]
    ]


STATUS_LABELS = dict(ItemStatus.choices)


def review_answers_fingerprint(*, review_id: int, lens_id: int) -> str:
    """The state of what a review's report shows, as a digest of fixed length, in one query. Every save bumps an
    answer's version, so the sum of versions grows with each change; the lens (a move to a new version), the number
    of answers and the last save time are added so the state cannot repeat, and the workload's last change (its
    name and facts are on the cover) so an edited workload gets a new report."""
    # The review's newest milestone is part of it too: the report shows what changed since that milestone.
    newest_milestone = Milestone.objects.filter(review_id=review_id).order_by("-pk").values("pk")[:1]
    facts = Answer.objects.filter(review_id=review_id).aggregate(
        count=Count("pk"),
        versions=Sum("version"),
        latest=Max("updated_at"),
        workload_changed=Max("review__workload__updated_at"),
        milestone=Max(Subquery(newest_milestone)),
        # The report shows each recommendation's plan status and owner: a change to the plan is a new report.
        plan_changed=Max(Subquery(_plan_last_change(review_id))),
        # Adding evidence leaves the answer as it is, and the report shows it with its state.
        **_evidence_changes(review_id),
    )
    return _digest(
        lens_id,
        facts["count"],
        facts["versions"] or 0,
        facts["latest"],
        facts["workload_changed"],
        facts["milestone"],
        facts["plan_changed"],
        facts["evidence_added"],
        facts["evidence_removed"],
        facts["evidence_days"],
        # Evidence expires as days go by: a review with evidence makes a new report each day.
        timezone.localdate() if facts["evidence_added"] else None,
    )


def _evidence_changes(review_id: int) -> dict[str, Max]:
    """The last item of evidence added to the review and the last removed, and the team's "Evidence expires
    after", as aggregates of the fingerprint's one query."""
    items = Evidence.objects.filter(answer__review_id=review_id).order_by()
    removed = items.filter(removed_at__isnull=False).order_by("-removed_at").values("removed_at")[:1]
    days = EvidencePolicy.objects.filter(team__workloads__reviews=review_id).values("max_age_days")[:1]
    return {
        "evidence_added": Max(Subquery(items.order_by("-added_at").values("added_at")[:1])),
        "evidence_removed": Max(Subquery(removed)),
        "evidence_days": Max(Subquery(days)),
    }


def _plan_last_change(review_id: int) -> QuerySet:
    return ImprovementItem.objects.filter(review_id=review_id).order_by("-updated_at").values("updated_at")[:1]


def milestone_fingerprint(*, milestone: Milestone) -> str:
    """What a milestone's report shows: the milestone never changes, its workload's name and facts may. No query:
    the milestone comes with its workload."""
    return _digest("milestone", milestone.pk, milestone.workload.updated_at)


def _digest(*parts: object) -> str:
    """The parts of a fingerprint as 64 hexadecimal characters, however many parts and however long each is."""
    text = ":".join("-" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def review_recent_reports(*, review: Review, milestone: Milestone | None = None, limit: int = 5) -> QuerySet[Report]:
    """The newest PDFs of the review as it is, or of the review as at `milestone`."""
    return Report.objects.filter(review=review, milestone=milestone).select_related("requested_by")[:limit]


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
        prefilled_from=question.prefilled_from,
    )


def _practices_not_applicable(question: OutlineQuestion, practices: tuple[Practice, ...]) -> tuple:
    """The question's best practices marked as not applying, in the question's order, reasons in words. The
    workload profile's note begins with its reason ("Not in this workload's profile: Does it keep a cache? — No",
    whole on the question page): beside the reason, the note keeps only the answers that ruled the practice out."""
    marks = question.practices_not_applicable
    found = []
    for practice in practices:
        if practice.code not in marks:
            continue
        reason = REASON_LABELS.get(marks[practice.code].get("reason", ""), "")
        note = marks[practice.code].get("note", "")
        by_profile = marks[practice.code].get("reason") == NotApplicableReason.PROFILE
        if by_profile:
            note = note.removeprefix(f"{reason}: ")
        found.append(PracticeNotApplicable(practice=practice, reason=reason, note=note, by_profile=by_profile))
    return tuple(found)


@dataclass(frozen=True)
class PortfolioReportData:
    """The first part of a PDF of several workloads: who asked, when, for what (the filters in words), and the
    portfolio's summary of the selected workloads (their rows with counts, the heatmap, the practices most often
    missing). Each workload's own part is `workload_report_data`, read in turn while the PDF is laid out."""

    kind: str
    title: str
    asked_by: str
    generated_at: datetime
    filters: list[str]
    rows: list[PortfolioRow]
    heatmap: Heatmap
    missing: list[MissingPractice]

    @property
    def workloads(self) -> list[Workload]:
        return [row.workload for row in self.rows]

    @property
    def review_count(self) -> int:
        return sum(len(row.lenses) for row in self.rows)

    def _total(self, count: str) -> int:
        return sum(vars(row.workload)[count] for row in self.rows)

    @property
    def question_count(self) -> int:
        return self._total("question_count")

    @property
    def answered_count(self) -> int:
        return self._total("answered_count")

    @property
    def percent(self) -> int:
        return percent(self.answered_count, self.question_count)

    @property
    def high_count(self) -> int:
        return self._total("high_count")

    @property
    def medium_count(self) -> int:
        return self._total("medium_count")


def portfolio_report_data(*, report: PortfolioReport) -> PortfolioReportData:
    """The summary part of `report`: the workloads it recorded that its asker can still see, counted and sorted
    as its filters say. A fixed number of queries whatever the number of workloads (the ids, the lenses, the
    workloads, their tags and lenses, the heatmap's two and the missing practices' two)."""
    filters = report.filters
    lens_slug = filters.get("lens") or ""
    ids = list(report.workloads.values_list("pk", flat=True))
    lenses = portfolio_lenses()
    selected = portfolio_workloads(user=report.requested_by, filters=filters, ids=ids)
    workloads = list(selected)
    rows = portfolio_rows(workloads=workloads, lens_slug=lens_slug)
    is_workload = report.kind == PortfolioReport.Kind.WORKLOAD
    return PortfolioReportData(
        kind=report.kind,
        title=workloads[0].name if is_workload and workloads else "Portfolio",
        asked_by=report.requested_by.get_username(),
        generated_at=timezone.now(),
        filters=list(report.filters_in_words),
        rows=rows,
        heatmap=portfolio_heatmap(workloads=workloads, lenses=lenses, lens_slug=lens_slug),
        missing=most_missing_practices(workloads=selected, lens_slug=lens_slug),
    )
