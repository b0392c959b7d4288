"""Reads of workload profiles: a lens's profile questions, a workload's answers, and where a review's walk starts."""

from dataclasses import dataclass, field

from wareview.lenses.models import Lens, ProfileQuestion, Question
from wareview.profiles.conditions import ProfileOption, ProfileQuestionSpec, first_questions
from wareview.profiles.models import WorkloadProfile
from wareview.reviews.models import AnswerRisk, Review
from wareview.reviews.selectors import OutlineQuestion, ReviewOutline


def newest_lens(*, slug: str) -> Lens | None:
    """The newest published version of the question set `slug`, whose profile questions the profile page asks."""
    return Lens.objects.published().filter(slug=slug).order_by("-version").first()


def lens_profile_questions(*, lens_id: int) -> list[ProfileQuestionSpec]:
    """The lens version's profile questions in order, one query. Malformed options are left out."""
    rows = ProfileQuestion.objects.filter(lens_id=lens_id).order_by("order", "pk")
    return [
        ProfileQuestionSpec(
            code=row.code,
            title=row.title,
            description=row.description,
            options=tuple(
                ProfileOption(code=str(option["code"]), label=str(option.get("label") or option["code"]))
                for option in row.options
                if isinstance(option, dict) and option.get("code")
            ),
        )
        for row in rows
    ]


def profile_answers(*, workload_id: int, lens_slug: str) -> dict[str, bool | str] | None:
    """The workload's answers to the profile of the question set `lens_slug`; None when it has no profile yet."""
    profile = WorkloadProfile.objects.filter(workload_id=workload_id, lens_slug=lens_slug).values("answers").first()
    return None if profile is None else dict(profile["answers"])


def profiled_lens_slugs() -> set[str]:
    """The question sets (slugs) of which a published version asks profile questions, one query."""
    rows = ProfileQuestion.objects.filter(lens__status=Lens.Status.PUBLISHED).values_list("lens__slug", flat=True)
    return set(rows.distinct())


@dataclass(frozen=True)
class ReviewWalk:
    """Where a review's walk starts: the questions the profile asks first (`first`, in lens order), then the first
    unanswered one of those, else the outline's own start. `profiled`: the review's lens asks profile questions;
    `answered`: the workload has a profile for it."""

    start: str | None
    profiled: bool = False
    answered: bool = False
    first: list[OutlineQuestion] = field(default_factory=list)


def review_walk(*, review: Review, outline: ReviewOutline) -> ReviewWalk:
    """The review's `ReviewWalk`: one query for a lens without profile questions, three for one with them."""
    questions = lens_profile_questions(lens_id=review.lens_id)
    if not questions:
        return ReviewWalk(start=outline.walk_start())
    answers = profile_answers(workload_id=review.workload_id, lens_slug=review.lens_slug)
    if not answers:
        return ReviewWalk(start=outline.walk_start(), profiled=True, answered=answers is not None)
    rows = Question.objects.filter(pillar__lens_id=review.lens_id).exclude(first_when="")
    codes = first_questions(dict(rows.values_list("code", "first_when")), answers=answers, questions=questions)
    first = [question for question in outline.questions if question.code in codes]
    unanswered = next((question.code for question in first if question.risk == AnswerRisk.UNANSWERED), None)
    return ReviewWalk(
        start=unanswered or outline.walk_start(), profiled=True, answered=answers is not None, first=first
    )
