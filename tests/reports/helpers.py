"""Helpers of the report tests: members, reviews and answers, made through the apps' own services."""

from tests.factories import build_lens
from wareview.lenses.models import Lens
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import AnswerState, answer_save, review_start
from wareview.teams.models import Team
from wareview.workloads.models import Workload


def start_review(*, team: Team, user, lens: Lens | None = None, name: str = "Checkout service") -> Review:
    workload = Workload.objects.create(team=team, name=name, review_owner="Ada Architect", created_by=user)
    return review_start(workload=workload, lens=lens or build_lens(), user=user)


def answer(review: Review, code: str, *letters: str, notes: str = "", reason: str = "", user=None) -> Answer:
    """Answer question `code` with its practices `letters` ("a", "b", "no"…), or as not applicable with `reason`."""
    current = Answer.objects.get(review=review, question__code=code)
    data = AnswerState(
        selected=[f"{code.lower()}_{letter}" for letter in letters],
        not_applicable=bool(reason),
        reason=reason,
        notes=notes,
    )
    return answer_save(answer=current, user=user or review.created_by, data=data, expected_version=current.version)
