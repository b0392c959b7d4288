"""The API fuzzed from its own OpenAPI schema (`/api/v1/openapi.json`) by schemathesis, over HTTP against a live
server: every operation gets a bounded number of generated requests, valid and invalid, from a fixed seed, and
every answer must be no 5xx, a status the schema declares for the operation, and a body of the declared content
type and shape.

The caller is a team owner with a read-write token. Each well-formed id a request names is swapped for one of a
real object of the owner's team (a workload, a review and its question Q_01, a plan item, a milestone, a ready
report, an evidence file, another lens), so the requests reach the endpoints' code and not only their 404;
malformed ids stay.
"""

from dataclasses import dataclass

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import evidence_items
from tests.factories import UserFactory, build_lens
from wareview.api.models import Scope
from wareview.api.paths import MAX_ID
from wareview.api.services import token_create
from wareview.milestones.services import milestone_save
from wareview.plans.models import ImprovementItem
from wareview.reports.models import Report
from wareview.reviews.services import review_start
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

SEED = 20260501
EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class World:
    secret: str
    path: dict  # path parameter → the real object's
    body: dict  # a body's reference → the real object's
    query: dict
    spare_workload: int  # for DELETE, so the others stay for the operations after it


@pytest.fixture
def world(transactional_db, settings, tmp_path) -> World:
    """A team owner's token, and one of everything an operation works on."""
    settings.API_REQUESTS_PER_MINUTE = 0  # the fuzzer sends hundreds of requests a minute with one token
    settings.REPORT_REQUESTS_PER_MINUTE = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    owner = UserFactory(username="olivia")
    team = team_create(name="Payments", user=owner)
    workload = Workload.objects.create(team=team, name="Checkout", created_by=owner)
    spare = Workload.objects.create(team=team, name="To delete", created_by=owner)
    lens = build_lens()
    review = review_start(workload=workload, lens=lens, user=owner)
    milestone = milestone_save(review=review, name="Baseline", user=owner)
    item = ImprovementItem.objects.create(review=review, question_code="Q_01", practice_code="q_01_b")
    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    _, evidence_file = evidence_items(review, owner)
    secret = token_create(user=owner, name="fuzz", scope=Scope.READ_WRITE, days=1).secret
    path = {
        "lens_id": lens.pk,
        "workload_id": workload.pk,
        "review_id": review.pk,
        "code": "Q_01",
        "item_id": item.pk,
        "report_id": report.pk,
        "evidence_id": evidence_file.pk,
    }
    # A body's references; `lens` one the workload has no review of yet.
    body = {"team": team.pk, "review": review.pk, "lens": build_lens().pk, "milestone": milestone.pk}
    query = {"before": str(milestone.pk), "after": "now", "owner": str(owner.pk)}
    return World(secret=secret, path=path, body=body, query=query, spare_workload=spare.pk)


# The schema as the server serves it at /api/v1/openapi.json, read through the app when the module is collected
# (schemathesis' fixture-built schema does not run under this pytest), then each operation fuzzed over HTTP.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all", "database": "none"},
            # The examples, coverage (boundary values, each wrong type) and fuzzing phases; not the stateful
            # one, whose sequences of calls would not be bounded by the number above.
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


@schema.parametrize()
# The world is made once per operation, on purpose: every example of an operation works on the same objects.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_operation_answers_a_5xx_or_outside_its_schema(case, world, live_server):
    aim_at_real_objects(case, world)
    headers = {"Authorization": f"Bearer {world.secret}"}
    case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)


def aim_at_real_objects(case, world: World) -> None:
    """Swap each well-formed id the case names (digits in a path or a query, an integer in a body; a question's
    code) for the real object's, so the request reaches the endpoint's code rather than its 404. Malformed ones
    ("AAA", null, -1) and those past 64 bits stay: they test the refusals of the path and the schema."""
    real_path = {**world.path, "workload_id": world.spare_workload} if case.method == "DELETE" else world.path
    for name, value in (case.path_parameters or {}).items():
        if name in real_path and (name == "code" or well_formed(value)):
            case.path_parameters[name] = real_path[name]
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if name in world.body and well_formed(value):
                case.body[name] = world.body[name]
    for name, value in (case.query or {}).items():
        if name in world.query and well_formed(value):
            case.query[name] = world.query[name]


def well_formed(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        return False
    return int(value) <= MAX_ID
