"""The report tests use the suite's cast and an answered review of the small test lens (made by helpers.py), and
send tasks to a real Redis broker and workers (`broker`, `worker`) or to one that refuses them (`dead_broker`)."""

import uuid

import pytest

from tests.project.redis_server import free_port
from tests.reports.helpers import QUEUE, answer, own_queue, reset_connections, start_review, worker_on
from wareview.celery import app as celery_app
from wareview.reviews.models import Review
from wareview.teams.models import Team


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Report files go to a fresh directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    """Cache keys of this test's own: the PDF rate limit counts per user id, and ids repeat across databases."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def eager_tasks():
    """Run tasks in-process, as the embedded default does, even when REDIS_URL points at a broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


# The suite's cast (tests/conftest.py): a team with an owner, a contributor and a viewer, and an outsider.
@pytest.fixture
def team(cast) -> Team:
    return cast.team


@pytest.fixture
def owner(cast):
    return cast.owner


@pytest.fixture
def contributor(cast):
    return cast.contributor


@pytest.fixture
def viewer(cast):
    return cast.viewer


@pytest.fixture
def outsider(cast):
    """A member (owner, even) of another team."""
    return cast.outsider


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


@pytest.fixture
def broker():
    """Send the render task to this xdist worker's own queue on the real Redis, for this test only."""
    with own_queue("reports.render", QUEUE) as queue:
        yield queue


@pytest.fixture
def worker(broker):
    """A Celery worker in a thread of this process, consuming this test's queue."""
    with worker_on(broker):
        yield


@pytest.fixture
def dead_broker():
    """A broker URL with nothing listening behind it, as when Redis is down: every send is refused."""
    keys = ("broker_url", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    reset_connections()
    yield url
    celery_app.conf.update(saved)
    reset_connections()
