"""Every URL of the app, walked by each member of the cast: what each one gets.

Outsiders get 404 for anything of another team; viewers read but are refused changes (403); anonymous users
are sent to sign in. A URL pattern missing from MATRIX fails the completeness test, so new views get checked.
An outsider's 404 is the very page a URL for an object that does not exist gets, so it leaks no existence.
"""

import re

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
# A PDF of several workloads is seen by the person who asked for it and nobody else (it shows their selection).
ASKER_PAGE = {"owner": 200, "contributor": 404, "viewer": 404, "outsider": 404, "anonymous": 302}
ASKER_POST = {"owner": 302, "contributor": 404, "viewer": 404, "outsider": 404, "anonymous": 302}
# Every signed-in person may export their portfolio; the outsider's team has no workload, so there is nothing to
# put in a PDF (400, with words).
PORTFOLIO_PDF_POST = {"owner": 302, "contributor": 302, "viewer": 302, "outsider": 400, "anonymous": 302}
# An invitation link opened by the person it was sent to: a page for anyone, signed in or not (a person signed out
# may sign in or create an account there); accepting joins the team, or tells a member they already are one. The
# empty form a signed-out person posts is refused with its errors.
SIGNED_IN_POST = {"owner": 302, "contributor": 302, "viewer": 302, "outsider": 302, "anonymous": 302}
INVITEE_PAGE = {"owner": 200, "contributor": 200, "viewer": 200, "outsider": 200, "anonymous": 200}
INVITEE_POST = {"owner": 302, "contributor": 302, "viewer": 302, "outsider": 302, "anonymous": 400}


def answer_post(cast) -> dict:
    return {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}


def item_post(cast) -> dict:
    return {"status": "in_progress", "owner": "carlos", "due_date": "2030-01-31", "note": "", "wont_do_reason": ""}


def webhook_post(cast) -> dict:
    return {"url": "https://hooks.example.com/wareview", "events": ["milestone.saved"], "is_active": "on"}


def evidence_post(cast) -> dict:
    return {
        "url": "https://runbooks.example.com/load-test",
        "title": "Load test",
        "note": "",
        "verified_on": "2026-01-05",
    }


def findings_post(cast) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = b'<testsuite name="k6 thresholds"><testcase name="checks - rate&gt;0.99"/></testsuite>'
    return {"file": SimpleUploadedFile("k6.xml", report, content_type="application/xml"), "format": ""}


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
    "reviews:close": ("post", lambda c: [c.review.pk], lambda c: {}, WRITE),
    "reviews:reopen": ("post", lambda c: [c.closed_review.pk], lambda c: {}, WRITE),
    "evidence:practice": ("get", lambda c: [c.review.pk, "Q_01", "q_01_a"], None, READ),
    "evidence:practice POST": ("post", lambda c: [c.review.pk, "Q_01", "q_01_a"], evidence_post, WRITE),
    "evidence:file": ("get", lambda c: [c.evidence.pk], None, READ),
    "evidence:remove": ("post", lambda c: [c.evidence.pk], lambda c: {}, WRITE),
    "evidence:findings": ("get", lambda c: [c.review.pk], None, READ),
    "evidence:findings POST": ("post", lambda c: [c.review.pk], findings_post, WRITE),
    "evidence:team_policy": ("get", lambda c: [c.team.pk], None, OWNER_PAGE),
    "evidence:team_policy POST": ("post", lambda c: [c.team.pk], lambda c: {"max_age_days": "90"}, OWNER_ONLY),
    "plans:plan": ("get", lambda c: [c.review.pk], None, READ),
    "plans:csv": ("get", lambda c: [c.review.pk], None, READ),
    "plans:item": ("get", lambda c: [c.review.pk, c.plan_item.pk], None, READ),
    "plans:item POST": ("post", lambda c: [c.review.pk, c.plan_item.pk], item_post, WRITE),
    # Each person's own items, across their teams (an outsider's list is empty): tests/plans/test_my_items.py.
    "plans:mine": ("get", lambda c: [], None, SIGNED_IN),
    "reports:page": ("get", lambda c: [c.review.pk], None, READ),
    "reports:pdf_request": ("post", lambda c: [c.review.pk], lambda c: {}, MEMBER_POST),
    "reports:export_csv": ("get", lambda c: [c.review.pk], None, READ),
    "reports:export_json": ("get", lambda c: [c.review.pk], None, READ),
    "reports:milestone_page": ("get", lambda c: [c.milestone.pk], None, READ),
    "reports:milestone_pdf_request": ("post", lambda c: [c.milestone.pk], lambda c: {}, MEMBER_POST),
    "reports:milestone_export_csv": ("get", lambda c: [c.milestone.pk], None, READ),
    "reports:milestone_export_json": ("get", lambda c: [c.milestone.pk], None, READ),
    "reports:job": ("get", lambda c: [c.report.pk], None, READ),
    "reports:retry": ("post", lambda c: [c.failed_report.pk], lambda c: {}, MEMBER_POST),
    "reports:download": ("get", lambda c: [c.ready_report.pk], None, READ),
    "reports:portfolio_pdf_request": ("post", lambda c: [], lambda c: {"sort": "name"}, PORTFOLIO_PDF_POST),
    "reports:workload_pdf_request": ("post", lambda c: [c.workload.pk], lambda c: {}, MEMBER_POST),
    "reports:portfolio_job": ("get", lambda c: [c.portfolio_report.pk], None, ASKER_PAGE),
    "reports:portfolio_retry": ("post", lambda c: [c.failed_portfolio_report.pk], lambda c: {}, ASKER_POST),
    "reports:portfolio_download": ("get", lambda c: [c.ready_portfolio_report.pk], None, ASKER_PAGE),
    "milestones:create": (
        "post",
        lambda c: [c.workload.pk],
        lambda c: {"name": "Matrix", "review": c.review.pk},
        WRITE,
    ),
    "milestones:compare": ("get", lambda c: [c.workload.pk], None, READ),
    "milestones:overview": ("get", lambda c: [c.milestone.pk], None, READ),
    "milestones:question": ("get", lambda c: [c.milestone.pk, "Q_01"], None, READ),
    "teams:list": ("get", lambda c: [], None, SIGNED_IN),
    # Every signed-in person has a portfolio: the workloads of their own teams (tests/portfolio).
    "portfolio:page": ("get", lambda c: [], None, SIGNED_IN),
    "portfolio:csv": ("get", lambda c: [], None, SIGNED_IN),
    "teams:detail": ("get", lambda c: [c.team.pk], None, READ),
    "teams:invitation_create": (
        "post",
        lambda c: [c.team.pk],
        lambda c: {"email": "someone@example.com", "role": "viewer"},
        OWNER_ONLY,
    ),
    "teams:invitation_resend": ("post", lambda c: [c.team.pk, c.invitation.pk], lambda c: {}, OWNER_ONLY),
    "teams:invitation_revoke": ("post", lambda c: [c.team.pk, c.invitation.pk], lambda c: {}, OWNER_ONLY),
    # Each role opens the link of an invitation sent to its own address (see walk_cast).
    "teams:invitation_accept": ("get", lambda c: [c.invitation_token[c.walker]], None, INVITEE_PAGE),
    "teams:invitation_accept POST": ("post", lambda c: [c.invitation_token[c.walker]], lambda c: {}, INVITEE_POST),
    "teams:audit_log": ("get", lambda c: [c.team.pk], None, OWNER_PAGE),
    "webhooks:list": ("get", lambda c: [c.team.pk], None, OWNER_PAGE),
    "webhooks:create": ("post", lambda c: [c.team.pk], webhook_post, OWNER_ONLY),
    "webhooks:detail": ("get", lambda c: [c.webhook.pk], None, OWNER_PAGE),
    "webhooks:update": ("post", lambda c: [c.webhook.pk], webhook_post, OWNER_ONLY),
    "webhooks:rotate_secret": ("post", lambda c: [c.webhook.pk], lambda c: {}, OWNER_ONLY),
    "webhooks:delete": ("post", lambda c: [c.webhook.pk], lambda c: {}, OWNER_ONLY),
    "webhooks:delivery_resend": ("post", lambda c: [c.delivery.pk], lambda c: {}, OWNER_ONLY),
    "teams:member_update": (
        "post",
        lambda c: [c.team.pk, c.viewer_membership.pk],
        lambda c: {"role": "viewer"},
        OWNER_ONLY,
    ),
    "teams:member_remove": ("post", lambda c: [c.team.pk, c.viewer_membership.pk], lambda c: {}, OWNER_ONLY),
    "profiles:profile": ("get", lambda c: [c.workload.pk, c.profiled_lens.slug], None, READ),
    "profiles:profile POST": (
        "post",
        lambda c: [c.workload.pk, c.profiled_lens.slug],
        lambda c: {"keeps_cache": "no", "users": ""},
        WRITE,
    ),
    "workloads:create": ("get", lambda c: [c.team.pk], None, WRITE_PAGE),
    "workloads:detail": ("get", lambda c: [c.workload.pk], None, READ),
    "workloads:edit": ("get", lambda c: [c.workload.pk], None, WRITE_PAGE),
    "workloads:edit POST": (
        "post",
        lambda c: [c.workload.pk],
        lambda c: {"name": "Checkout", "environment": "production"},
        WRITE,
    ),
    "reports:workload_page": ("get", lambda c: [c.workload.pk], None, READ),
    "workloads:delete": ("get", lambda c: [c.workload.pk], None, OWNER_PAGE),
    "workloads:delete POST": ("post", lambda c: [c.workload.pk], lambda c: {}, OWNER_ONLY),
    # A person's own account pages (every page under /accounts/ is walked in tests/accounts/test_account_pages.py).
    "account_email": ("get", lambda c: [], None, SIGNED_IN),
    "account_change_password": ("get", lambda c: [], None, SIGNED_IN),
    "mfa_index": ("get", lambda c: [], None, SIGNED_IN),
    "socialaccount_connections": ("get", lambda c: [], None, SIGNED_IN),
    # A person's own API tokens: each role makes one and revokes its own (another's token is a 404, tested in
    # tests/api/test_api_tokens.py).
    "tokens:list": ("get", lambda c: [], None, SIGNED_IN),
    "tokens:list POST": ("post", lambda c: [], lambda c: {"name": "CI", "scope": "read", "days": "30"}, SIGNED_IN),
    "tokens:revoke": ("post", lambda c: [c.api_token[c.walker]], lambda c: {}, SIGNED_IN_POST),
    # Review templates: the team's members see them; those who write its reviews save, delete and start from them.
    "review_templates:save": ("post", lambda c: [c.review.pk], lambda c: {"name": "Another"}, WRITE),
    "review_templates:list": ("get", lambda c: [c.team.pk], None, READ),
    "review_templates:delete": ("post", lambda c: [c.review_template.pk], lambda c: {}, WRITE),
    "review_templates:start": ("get", lambda c: [c.workload.pk], None, WRITE_PAGE),
    "review_templates:start POST": (
        "post",
        lambda c: [c.workload.pk],
        lambda c: {"lens": c.other_lens.pk, "source": f"review-{c.closed_review.pk}"},
        WRITE,
    ),
    "review_templates:confirm": ("post", lambda c: [c.review.pk, "Q_01"], lambda c: {}, WRITE),
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
    from wareview.reports.models import PortfolioReport

    cast.portfolio_report, cast.failed_portfolio_report, cast.ready_portfolio_report = (
        PortfolioReport.objects.create(requested_by=cast.owner, status=status, workload_count=1)
        for status in (PortfolioReport.Status.QUEUED, PortfolioReport.Status.FAILED, PortfolioReport.Status.READY)
    )
    cast.ready_portfolio_report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.7 test"))
    from tests.factories import build_lens, build_profiled_lens
    from wareview.lenses.services import lens_new_draft, lens_publish
    from wareview.teams.models import Invitation, Membership, Role, token_hash

    cast.invitation = Invitation.objects.create(
        team=cast.team, email="newbie@example.com", role=Role.VIEWER, token_hash=token_hash("for-newbie")
    )
    # An invitation to this team for each role's own address (the anonymous visitor's goes to a new address).
    cast.invitation_token = {}
    for role in ROLES:
        email = f"{role}@example.org" if role == "anonymous" else cast.user(role).email
        token = f"token-for-{role}"
        Invitation.objects.create(team=cast.team, email=email, role=Role.VIEWER, token_hash=token_hash(token))
        cast.invitation_token[role] = token
    cast.other_lens = build_lens()
    cast.profiled_lens = build_profiled_lens()
    cast.viewer_membership = Membership.objects.get(team=cast.team, user=cast.viewer)
    cast.version_two = lens_publish(lens=lens_new_draft(lens=cast.lens))
    from wareview.milestones.services import milestone_save

    cast.milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    from wareview.plans.models import ImprovementItem
    from wareview.review_templates.models import ReviewTemplate
    from wareview.reviews.services import review_close, review_start

    cast.review_template = ReviewTemplate.objects.create(team=cast.team, lens=cast.lens, name="Baseline")
    cast.plan_item = ImprovementItem.objects.create(review=cast.review, question_code="Q_01", practice_code="q_01_b")
    cast.closed_review = review_start(workload=cast.workload, lens=cast.other_lens, user=cast.owner)
    review_close(review=cast.closed_review)
    from wareview.webhooks.models import Delivery, Event, Webhook

    cast.webhook = Webhook.objects.create(
        team=cast.team, url="https://hooks.example.com/in", events=[Event.REPORT_READY]
    )
    cast.delivery = Delivery.objects.create(
        webhook=cast.webhook, event=Event.REPORT_READY, payload={}, status=Delivery.Status.FAILED
    )
    from wareview.api.services import token_create

    cast.api_token = {
        role: token_create(user=cast.user(role), name="Matrix", scope="read", days=30).token.pk
        for role in ROLES
        if role != "anonymous"
    }
    cast.api_token["anonymous"] = cast.api_token["owner"]
    from wareview.evidence.models import Evidence

    cast.evidence = Evidence.objects.create(
        answer=cast.review.answers.get(question__code="Q_01"),
        practice="q_01_a",
        kind=Evidence.Kind.FILE,
        title="Load test",
        file=ContentFile(b"run,seconds\n1,2\n", name="load.csv"),
        file_name="load.csv",
        content_type="text/csv",
        verified_on="2026-01-05",
        added_by=cast.owner,
    )
    return cast


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", sorted(MATRIX))
def test_each_url_answers_each_role_as_expected(client, walk_cast, entry, role):
    method, args, data, expected = MATRIX[entry]
    if role != "anonymous":
        client.force_login(walk_cast.user(role))
    walk_cast.walker = role
    url = reverse(entry.split()[0], args=args(walk_cast))
    response = client.post(url, data(walk_cast)) if method == "post" else client.get(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    else:
        # What a signed-in person is shown (or refused) is never kept by a shared cache or on disk.
        assert {"private", "no-store"} <= set(re.split(r",\s*", response["Cache-Control"])), url
    assert "camera=()" in response["Permissions-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


MISSING_ID = 2_000_000_000
# The masked CSRF token changes with every page; everything else of two 404 pages must be the same.
CSRF_TOKEN = re.compile(r'("x-csrftoken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def without_csrf_token(body: bytes) -> str:
    return CSRF_TOKEN.sub(r"\1…", body.decode())


def missing_args(args: list) -> list:
    """The same URL with every object id replaced by one that does not exist (question codes stay)."""
    return [MISSING_ID if isinstance(arg, int) else arg for arg in args]


OUTSIDER_404 = sorted(entry for entry, (*_, expected) in MATRIX.items() if expected["outsider"] == 404)


@pytest.mark.parametrize("entry", OUTSIDER_404)
def test_an_outsider_gets_the_same_404_page_as_for_an_object_that_does_not_exist(client, walk_cast, settings, entry):
    assert not settings.DEBUG  # the real 404 page, as production shows it
    method, args, data, _ = MATRIX[entry]
    client.force_login(walk_cast.outsider)
    name = entry.split()[0]

    def fetch(url):
        return client.post(url, data(walk_cast)) if method == "post" else client.get(url)

    theirs = fetch(reverse(name, args=args(walk_cast)))
    missing = fetch(reverse(name, args=missing_args(args(walk_cast))))
    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert without_csrf_token(theirs.content) == without_csrf_token(missing.content), entry
    assert "There is nothing here, or it belongs to a team you are not in." in theirs.content.decode()


def test_a_member_asking_for_an_object_that_does_not_exist_gets_the_same_404_page_as_an_outsider(client, walk_cast):
    client.force_login(walk_cast.owner)
    member = client.get(reverse("reports:job", args=[MISSING_ID])).content
    client.force_login(walk_cast.outsider)
    outsider = client.get(reverse("reports:job", args=[walk_cast.report.pk])).content
    # Only the signed-in name in the header differs.
    assert without_csrf_token(member).replace("olivia", "oscar") == without_csrf_token(outsider)


def test_the_matrix_covers_every_url_of_the_apps():
    namespaces = {
        "reviews",
        "evidence",
        "teams",
        "workloads",
        "reports",
        "milestones",
        "plans",
        "webhooks",
        "portfolio",
        "tokens",
        "review_templates",
    }
    resolver = get_resolver()
    named = {
        f"{namespace}:{name}"
        for namespace in namespaces
        for name in resolver.namespace_dict[namespace][1].reverse_dict
        if isinstance(name, str)
    }
    covered = {entry.split()[0] for entry in MATRIX}
    assert named <= covered, f"URLs without access checks in the matrix: {sorted(named - covered)}"


def test_an_address_that_matches_nothing_gets_the_same_words_as_a_missing_object(client, walk_cast):
    client.force_login(walk_cast.outsider)
    unknown = client.get("/reviews/1/no-such-page/")
    missing = client.get(reverse("reviews:overview", args=[MISSING_ID]))
    assert unknown.status_code == 404
    assert without_csrf_token(unknown.content) == without_csrf_token(missing.content)
    assert "Resolver404" not in unknown.content.decode()
