import pytest

from wareview.reviews.merging import AnswerState
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import answer_save

MARK = {"reason": "out_of_scope", "note": "No such component here."}


def answer(review: Review, code: str, user, **state) -> Answer:
    saved = Answer.objects.get(review=review, question__code=code)
    return answer_save(answer=saved, user=user, data=AnswerState(**state), expected_version=saved.version)


def answers_of(review: Review) -> dict[str, Answer]:
    return {a.question.code: a for a in Answer.objects.filter(review=review).select_related("question")}


@pytest.fixture
def answered(cast) -> Review:
    """The cast's review with Q_01 ticked (a, b), Q_02 not applying, Q_03 with a practice marked "does not
    apply" and notes; Q_04 unanswered."""
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_a", "q_01_b"], notes="Checked in March.")
    answer(cast.review, "Q_02", cast.owner, not_applicable=True, reason="out_of_scope")
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"], practices_not_applicable={"q_03_b": MARK})
    return cast.review
