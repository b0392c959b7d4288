"""The cast of the report tests: a team with an owner, a contributor and a viewer, an outsider in another team,
and an answered review of the small test lens (the helpers that make them are in helpers.py)."""

import pytest

from tests.reports.helpers import answer, member, start_review
from wareview.celery import app as celery_app
from wareview.reviews.models import Review
from wareview.teams.models import Role, Team


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager_tasks():
    """Run tasks in-process, as the embedded default does, even when REDIS_URL points at a broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(name="Payments")


@pytest.fixture
def owner(team):
    return member(team, Role.OWNER, "olivia-owner")


@pytest.fixture
def contributor(team):
    return member(team, Role.CONTRIBUTOR, "carl-contributor")


@pytest.fixture
def viewer(team):
    return member(team, Role.VIEWER, "vera-viewer")


@pytest.fixture
def outsider(db):
    """A member (owner, even) of another team."""
    return member(Team.objects.create(name="Other team"), Role.OWNER, "otto-outsider")


@pytest.fixture
def review(team, owner) -> Review:
    """A review of the test lens (Q_01–Q_04 in two areas): Q_01 high ("None of these"), Q_02 medium (a only),
    Q_03 no risk (a, b, c), Q_04 not applicable."""
    review = start_review(team=team, user=owner)
    answer(review, "Q_01", "no", notes="We have not looked at this yet.")
    answer(review, "Q_02", "a", notes="Only the first practice so far.")
    answer(review, "Q_03", "a", "b", "c")
    answer(review, "Q_04", reason="out_of_scope", notes="Batch jobs only.")
    return review
