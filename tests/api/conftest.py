"""The API tests: the suite's cast, each member with a read-write token of their own, and a client that sends
a token as `Authorization: Bearer …` with JSON bodies."""

import json
import uuid
from datetime import date

import pytest
from django.core.files.base import ContentFile

from tests.factories import build_lens
from wareview.api.models import Scope
from wareview.api.services import token_create
from wareview.evidence.models import Evidence
from wareview.milestones.services import milestone_save
from wareview.plans.models import ImprovementItem
from wareview.reports.models import Report
from wareview.reviews.models import Answer

API = "/api/v1"
ROLES = ["owner", "contributor", "viewer", "outsider", "anonymous"]


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    """Cache keys of this test's own: the rate limit counts per token id, and ids repeat across databases."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Multipart(dict):
    """A body sent as multipart/form-data (a file upload) rather than JSON."""

    # Told by this mark rather than its class: pytest may import this module twice (as conftest and by name).
    is_multipart = True


class ApiClient:
    """Django's test client speaking JSON with a bearer token (none for an anonymous caller)."""

    def __init__(self, client, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def call(self, method: str, path: str, body=None, *, raw: str | None = None):
        if getattr(body, "is_multipart", False):
            return getattr(self.client, method.lower())(API + path, dict(body), headers=self.headers())
        if isinstance(body, dict) and any(hasattr(value, "read") for value in body.values()):
            # A body with a file goes as multipart/form-data, as a browser's or curl's upload.
            return getattr(self.client, method.lower())(API + path, body, headers=self.headers())
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        send = getattr(self.client, method.lower())
        if data is not None:
            return send(API + path, data, headers=self.headers(), **kwargs)
        return send(API + path, headers=self.headers())

    def get(self, path: str):
        return self.call("GET", path)

    def post(self, path: str, body=None, **kwargs):
        return self.call("POST", path, body if body is not None else {}, **kwargs)

    def put(self, path: str, body=None, **kwargs):
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str):
        return self.call("DELETE", path)


@pytest.fixture
def tokens(cast) -> dict:
    """A read-write token's secret for each member of the cast."""
    return {
        role: token_create(user=cast.user(role), name=f"{role} script", scope=Scope.READ_WRITE, days=30).secret
        for role in ROLES
        if role != "anonymous"
    }


@pytest.fixture
def api_as(client, tokens):
    """`api_as(role)`: an API client with that member's token; "anonymous" sends none."""

    def make(role: str) -> ApiClient:
        return ApiClient(client, tokens.get(role))

    return make


@pytest.fixture
def walk_cast(cast):
    """The cast with one of everything an endpoint works on: another lens, a milestone, an improvement item, a
    queued report and a ready one, a link and a file as evidence."""
    cast.other_lens = build_lens()
    cast.milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    cast.plan_item = ImprovementItem.objects.create(review=cast.review, question_code="Q_01", practice_code="q_01_b")
    cast.report = Report.objects.create(review=cast.review, requested_by=cast.owner)
    cast.ready_report = Report.objects.create(review=cast.review, requested_by=cast.owner, status=Report.Status.READY)
    cast.ready_report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    cast.evidence_link, cast.evidence_file = evidence_items(cast.review, cast.owner)
    return cast


def evidence_items(review, user) -> tuple[Evidence, Evidence]:
    """A link and a file (a CSV) as evidence of Q_01's first practice."""
    answer = Answer.objects.get(review=review, question__code="Q_01")
    common = {"answer": answer, "practice": "q_01_a", "verified_on": date(2026, 1, 5), "added_by": user}
    link = Evidence.objects.create(kind="link", title="Runbook", url="https://runbooks.example.com/", **common)
    item = Evidence(kind="file", title="Load test", file_name="load.csv", content_type="text/csv", **common)
    item.file.save("load.csv", ContentFile(b"run,seconds\n1,2\n"), save=False)
    item.file_size = item.file.size
    item.save()
    return link, item
