"""docs/api-example.py, run against a live server: a workload created, a review started and answered, and its PDF
downloaded through the API alone (the PDF made in-process, as on the embedded default)."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

from wareview.api.models import Scope
from wareview.api.services import token_create
from wareview.celery import app as celery_app
from wareview.reviews.models import Answer, AnswerRisk
from wareview.workloads.models import Workload

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "api-example.py"


@pytest.fixture
def eager_tasks():
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def example():
    spec = importlib.util.spec_from_file_location("api_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_api_example_answers_a_review_and_downloads_its_pdf(live_server, cast, eager_tasks, example, tmp_path):
    secret = token_create(user=cast.contributor, name="example", scope=Scope.READ_WRITE, days=1).secret
    api = example.Api(live_server.url, secret)
    output = example.walk(api, team=cast.team.pk, workload_name="Example", output=tmp_path / "report.pdf")
    assert output.read_bytes().startswith(b"%PDF-")
    workload = Workload.objects.get(team=cast.team, name="Example")
    assert list(workload.tags.values_list("name", flat=True)) == ["api-example", "performance"]
    answers = Answer.objects.filter(review__workload=workload)
    assert answers.count() == 4
    assert set(answers.values_list("risk", flat=True)) == {AnswerRisk.NONE}
