"""Redis is not a single point of failure for the web: with the cache gone, sessions fall back to their copy in
the database, and signed-in pages and saves keep working; a PDF asked for meanwhile fails with words and Retry.

Each test starts a Redis of its own on a free port, points the cache at it, signs in, and stops that Redis by
its process id; the shared Redis is never touched.
"""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import need_service
from tests.project.redis_server import free_port, start_redis, stop_redis
from tests.reports.helpers import reset_connections
from wareview.celery import app as celery_app
from wareview.reports.models import NOT_QUEUED_MESSAGE, Report
from wareview.reviews.models import Answer

pytestmark = [pytest.mark.services, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def own_redis(settings):
    """A Redis of this test's own behind the cache and sessions, configured exactly as the settings do."""
    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set, so the settings configure no Redis cache")
    port = free_port()
    process = start_redis(port)
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    yield process
    stop_redis(process)


def sign_in(client, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("login"), {"login": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, "the sign-in failed"


def test_the_settings_ignore_cache_errors_with_short_timeouts(settings):
    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set")
    options = settings.CACHES["default"]["OPTIONS"]
    assert options["IGNORE_EXCEPTIONS"] and settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS
    assert options["SOCKET_CONNECT_TIMEOUT"] <= 0.5 and options["SOCKET_TIMEOUT"] <= 1
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_with_redis_down_a_signed_in_user_keeps_their_session_and_reads_and_saves(client, cast, own_redis):
    sign_in(client, cast.contributor)
    question = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    assert client.get(question).status_code == 200
    assert cache.get(f"django.contrib.sessions.cached_db{client.session.session_key}") is not None

    stop_redis(own_redis)
    started = time.monotonic()
    page = client.get(question)
    assert page.status_code == 200
    assert cast.contributor.get_username() in page.content.decode()  # still signed in, not sent to sign in
    saved = client.post(question, {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""})
    assert saved.status_code == 302 and saved["Location"] == question
    assert Answer.objects.get(review=cast.review, question__code="Q_01").selected == ["q_01_a"]
    htmx_save = client.post(
        question, {"version": 1, "selected": ["q_01_b"], "reason": "", "notes": ""}, headers={"HX-Request": "true"}
    )
    assert htmx_save.status_code == 200 and 'name="version" value="2"' in htmx_save.content.decode()
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    assert time.monotonic() - started < 5, "a dead Redis must cost little per request"


def test_with_redis_down_a_user_can_still_sign_in_and_out(client, cast, own_redis):
    stop_redis(own_redis)
    sign_in(client, cast.viewer)
    assert client.get(reverse("reviews:overview", args=[cast.review.pk])).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("reviews:overview", args=[cast.review.pk])).status_code == 302


def test_a_session_made_while_redis_was_down_stays_valid_once_it_is_back(client, cast, own_redis, settings):
    port = int(settings.CACHES["default"]["LOCATION"].rsplit(":", 1)[1].split("/")[0])
    stop_redis(own_redis)
    sign_in(client, cast.owner)
    back = start_redis(port)
    try:
        assert client.get(reverse("reviews:overview", args=[cast.review.pk])).status_code == 200
    finally:
        stop_redis(back)


@pytest.fixture
def broker_on_own_redis(own_redis, settings):
    """The Celery broker on the same Redis of the test's own, as production shares one Redis for both."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=settings.CACHES["default"]["LOCATION"], task_always_eager=False)
    reset_connections()
    yield own_redis
    celery_app.conf.update(saved)
    reset_connections()


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_asking_for_a_pdf_says_it_could_not_be_queued_instead_of_failing(
    client, cast, broker_on_own_redis, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, cast.viewer)
    stop_redis(broker_on_own_redis)
    response = client.post(reverse("reports:pdf_request", args=[cast.review.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert NOT_QUEUED_MESSAGE in page.content.decode() and ">Retry</button>" in page.content.decode()
    assert Report.objects.get().status == Report.Status.FAILED
