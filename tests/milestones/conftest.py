"""The milestone tests use the suite's cast (a review of the small test lens under way) and answer it through the
review's own services (`tests.reports.helpers.answer`): practices "a" and "b" give no risk, "a" alone medium,
neither high."""

import pytest

from tests.reports.helpers import answer
from wareview.milestones.services import milestone_save


@pytest.fixture
def answered(cast):
    """Q_01 at no risk, Q_02 at medium, Q_03 at high, Q_04 unanswered."""
    answer(cast.review, "Q_01", "a", "b", notes="Load tested in March.")
    answer(cast.review, "Q_02", "a")
    answer(cast.review, "Q_03", "c")
    return cast


@pytest.fixture
def baseline(answered):
    return milestone_save(review=answered.review, name="Baseline", user=answered.owner)
