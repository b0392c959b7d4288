"""Every URL of the app, walked by each member of the cast: what each one gets.

Outsiders get 404 for anything of another team; viewers read but are refused changes (403); anonymous users
are sent to sign in. A URL pattern missing from MATRIX fails the completeness test, so new views get checked.
"""

import pytest
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db

ROLES = ["owner", "contributor", "viewer", "outsider", "anonymous"]
READ = {"owner": 200, "contributor": 200, "viewer": 200, "outsider": 404, "anonymous": 302}
WRITE = {"owner": 302, "contributor": 302, "viewer": 403, "outsider": 404, "anonymous": 302}
OWNER_ONLY = {"owner": 302, "contributor": 403, "viewer": 403, "outsider": 404, "anonymous": 302}
OWNER_PAGE = {"owner": 200, "contributor": 403, "viewer": 403, "outsider": 404, "anonymous": 302}
WRITE_PAGE = {"owner": 200, "contributor": 200, "viewer": 403, "outsider": 404, "anonymous": 302}
# A report only reads the review, so every member may ask for one (see wareview/reports/README.md).
MEMBER_POST = {"owner": 302, "contributor": 302, "viewer": 302, "outsider": 404, "anonymous": 302}
SIGNED_IN = {"owner": 200, "contributor": 200, "viewer": 200, "outsider": 200, "anonymous": 302}


def answer_post(cast) -> dict:
    return {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}


# url name → (method, args from the cast, POST data from the cast, expected status per role)
MATRIX = {
    "reviews:dashboard": ("get", lambda c: [], None, SIGNED_IN),
    "reviews:start": ("post", lambda c: [c.workload.pk], lambda c: {"lens": c.other_lens.pk}, WRITE),
    "reviews:overview": ("get", lambda c: [c.review.pk], None, READ),
    "reviews:question": ("get", lambda c: [c.review.pk, "Q_01"], None, READ),
    "reviews:question POST": ("post", lambda c: [c.review.pk, "Q_01"], answer_post, WRITE),
    "reviews:upgrade": ("get", lambda c: [c.review.pk, c.version_two.pk], None, READ),
    "reviews:upgrade POST": ("post", lambda c: [c.review.pk, c.version_two.pk], lambda c: {}, WRITE),
    "reviews:history": ("get", lambda c: [c.review.pk, "Q_01"], None, READ),
    "reports:page": ("get", lambda c: [c.review.pk], None, READ),
    "reports:pdf_request": ("post", lambda c: [c.review.pk], lambda c: {}, MEMBER_POST),
    "reports:export_csv": ("get", lambda c: [c.review.pk], None, READ),
    "reports:export_json": ("get", lambda c: [c.review.pk], None, READ),
    "reports:job": ("get", lambda c: [c.report.pk], None, READ),
    "reports:retry": ("post", lambda c: [c.failed_report.pk], lambda c: {}, MEMBER_POST),
    "reports:download": ("get", lambda c: [c.ready_report.pk], None, READ),
    "teams:list": ("get", lambda c: [], None, SIGNED_IN),
    "teams:detail": ("get", lambda c: [c.team.pk], None, READ),
    "teams:member_add": (
        "post",
        lambda c: [c.team.pk],
        lambda c: {"identifier": "newbie", "role": "viewer"},
        OWNER_ONLY,
    ),
    "teams:member_update": (
        "post",
        lambda c: [c.team.pk, c.viewer_membership.pk],
        lambda c: {"role": "viewer"},
        OWNER_ONLY,
    ),
    "teams:member_remove": ("post", lambda c: [c.team.pk, c.viewer_membership.pk], lambda c: {}, OWNER_ONLY),
    "workloads:create": ("get", lambda c: [c.team.pk], None, WRITE_PAGE),
    "workloads:detail": ("get", lambda c: [c.workload.pk], None, READ),
    "workloads:edit": ("get", lambda c: [c.workload.pk], None, WRITE_PAGE),
    "workloads:edit POST": (
        "post",
        lambda c: [c.workload.pk],
        lambda c: {"name": "Checkout", "environment": "production"},
        WRITE,
    ),
    "workloads:delete": ("get", lambda c: [c.workload.pk], None, OWNER_PAGE),
    "workloads:delete POST": ("post", lambda c: [c.workload.pk], lambda c: {}, OWNER_ONLY),
}


@pytest.fixture
def walk_cast(cast, settings, tmp_path):
    from django.core.files.base import ContentFile

    from wareview.reports.models import Report

    settings.MEDIA_ROOT = tmp_path
    cast.report = Report.objects.create(review=cast.review, requested_by=cast.owner)
    cast.failed_report = Report.objects.create(
        review=cast.review, requested_by=cast.owner, status=Report.Status.FAILED, error="It broke."
    )
    cast.ready_report = Report.objects.create(review=cast.review, requested_by=cast.owner, status=Report.Status.READY)
    cast.ready_report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    from tests.factories import UserFactory, build_lens
    from wareview.lenses.services import lens_new_draft, lens_publish
    from wareview.teams.models import Membership

    UserFactory(username="newbie")
    cast.other_lens = build_lens()
    cast.viewer_membership = Membership.objects.get(team=cast.team, user=cast.viewer)
    cast.version_two = lens_publish(lens=lens_new_draft(lens=cast.lens))
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", sorted(MATRIX))
def test_each_url_answers_each_role_as_expected(client, walk_cast, entry, role):
    method, args, data, expected = MATRIX[entry]
    if role != "anonymous":
        client.force_login(walk_cast.user(role))
    url = reverse(entry.split()[0], args=args(walk_cast))
    response = client.post(url, data(walk_cast)) if method == "post" else client.get(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_matrix_covers_every_url_of_the_apps():
    namespaces = {"reviews", "teams", "workloads", "reports"}
    resolver = get_resolver()
    named = {
        f"{namespace}:{name}"
        for namespace in namespaces
        for name in resolver.namespace_dict[namespace][1].reverse_dict
        if isinstance(name, str)
    }
    covered = {entry.split()[0] for entry in MATRIX}
    assert named <= covered, f"URLs without access checks in the matrix: {sorted(named - covered)}"
