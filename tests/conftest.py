"""Shared test set-up: where shared material lives, and how tests that need a real service behave.

With REQUIRE_SERVICES=1 (as in CI) a test that needs PostgreSQL, Redis or Chromium fails when the service is
missing; elsewhere it is skipped with the reason.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

SHARED_DIR = Path(settings.BASE_DIR).parent / "shared"
SERVICES_REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(available: bool, reason: str) -> None:
    """Fail (in CI) or skip (elsewhere) when a service the test needs is missing."""
    if available:
        return
    if SERVICES_REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"The shared material is missing: expected it at {SHARED_DIR}")
    return SHARED_DIR


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """The system Chromium (Playwright must not download browsers), one per test module that drives it.

    Playwright's sync API keeps an asyncio loop running in the test thread while it is started, and that loop
    trips Django's async-unsafe check when a test touches the ORM. The tests never share a connection with the
    loop, so the check is switched off for as long as Playwright runs, and only then: the module's tests, not the
    ones that run after it in the same process.
    """
    need_service(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as environment, sync_playwright() as playwright:
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Cast:
    """A team with an owner, a contributor and a viewer; an outsider in another team; a review under way."""

    owner: object
    contributor: object
    viewer: object
    outsider: object
    team: object
    workload: object
    lens: object
    review: object

    def user(self, role: str):
        return getattr(self, role)


@pytest.fixture
def cast(db) -> Cast:
    from tests.factories import UserFactory, build_lens
    from wareview.reviews.services import review_start
    from wareview.teams.models import Membership, Role
    from wareview.teams.services import team_create
    from wareview.workloads.models import Workload

    owner, contributor, viewer, outsider = (
        UserFactory(username=name) for name in ("olivia", "carlos", "vera", "oscar")
    )
    team = team_create(name="Payments", user=owner)
    Membership.objects.create(team=team, user=contributor, role=Role.CONTRIBUTOR)
    Membership.objects.create(team=team, user=viewer, role=Role.VIEWER)
    team_create(name="Elsewhere", user=outsider)
    workload = Workload.objects.create(team=team, name="Checkout", created_by=owner)
    lens = build_lens()
    review = review_start(workload=workload, lens=lens, user=owner)
    return Cast(owner, contributor, viewer, outsider, team, workload, lens, review)


@pytest.fixture(scope="session", autouse=True)
def flush_by_delete() -> Iterator[None]:
    """Empty the tables after a transactional test (browser, live server, real worker) with DELETE, not TRUNCATE.

    On PostgreSQL a TRUNCATE of every table swaps the files of each table and index and waits on the disk: about
    ten times slower than deleting the few rows a test leaves. The outcome is the same: every table empty, the
    sequences as they were (TRUNCATE runs without RESTART IDENTITY here too), then Django's post_migrate as
    before. The foreign keys are deferred to the commit, as TRUNCATE of all the tables at once allows. Asked to
    reset the sequences or to cascade, the flush is Django's own.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False) -> list[str]:
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = (f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}" for table in tables)
        return ["; ".join([style.SQL_KEYWORD("SET CONSTRAINTS ALL DEFERRED"), *deletes]) + ";"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Test users sign in with known passwords; a slow hasher would only slow the suite down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def forget_question_sheets() -> None:
    # Each test builds its own lenses; rolled-back rows may come back with the same ids on SQLite.
    from wareview.lenses.selectors import question_sheet
    from wareview.lib.kept import Kept
    from wareview.plans.selectors import lens_keys_of
    from wareview.reviews.selectors import lens_shapes

    question_sheet.cache_clear()
    lens_keys_of.cache_clear()
    lens_shapes.cache_clear()
    Kept.clear_all()


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto's, tests/s3_server.py) on a free port, with a bucket of this run's own."""
    from tests.s3_server import start_s3_server, stop_s3_server

    server = start_s3_server()
    yield server
    stop_s3_server(server)


@pytest.fixture
def s3_storage(settings, s3_server, tmp_path):
    """The default storage on the S3 server, as STORAGE_URL=s3://… sets it, on an emptied bucket; MEDIA_ROOT must
    stay empty."""
    from wareview.lib.storage_url import storage_settings

    client = s3_server.client()
    for key in s3_server.object_keys():
        client.delete_object(Bucket=s3_server.bucket, Key=key)
    settings.MEDIA_ROOT = tmp_path / "media-unused"
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(s3_server.url())}
    yield s3_server
    landed = [str(path) for path in settings.MEDIA_ROOT.rglob("*")] if settings.MEDIA_ROOT.exists() else []
    assert not landed, f"files landed in MEDIA_ROOT while the storage was S3: {landed}"
