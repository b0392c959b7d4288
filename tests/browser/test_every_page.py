"""Every page a person opens in a browser, at a desktop and at a phone's width: nothing scrolls sideways, and
axe-core finds no violation of any impact.

PAGES is the catalogue, one visit per page (or per state of a page: an error page, a form with its errors).
Every named URL of the app is either in it or in NOT_PAGES with the reason it is no page (a POST, a download,
JSON, a fragment); test_every_url_is_a_page_in_the_catalogue_or_says_why_not fails when a new URL is in neither.

The data are made once per width (a review of the shipped Performance Efficiency lens with answers of every
risk, two milestones, its improvement plan, reports, a webhook with deliveries, an API token), then each page
is a subtest named after it: a failure reads `[390px] [reviews:overview]`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from allauth.core.internal.ratelimit import handler429
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.defaults import bad_request, server_error
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.conftest import TIMEOUT_MS, WIDTHS, Cast, answer_of, describe_violations, sign_in_as
from tests.factories import UserFactory, build_profiled_lens
from wareview.api.services import token_create
from wareview.evidence.findings.reports import report_read
from wareview.evidence.findings.services import findings_import
from wareview.evidence.forms import EvidenceInput
from wareview.evidence.models import Evidence
from wareview.evidence.services import evidence_add
from wareview.lenses.models import Choice
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.milestones.models import Milestone
from wareview.milestones.services import milestone_save
from wareview.plans.models import ImprovementItem
from wareview.plans.services import plan_open
from wareview.reports.models import PortfolioReport, Report
from wareview.review_templates.selectors import PrefillSource
from wareview.review_templates.services import review_start_prefilled, template_save
from wareview.reviews import services as review_services
from wareview.reviews.models import Review
from wareview.teams.models import Invitation, Role, token_hash
from wareview.teams.services import invitation_create
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.services import WebhookEdit, webhook_create
from wareview.workloads.models import Workload

INVITATION_TOKEN = "an-invitation-for-nadia"
MISSING = 2_000_000_000


@dataclass
class Scene:
    """What the pages show: the cast's team with one workload under review, and everything hung on it."""

    cast: Cast
    review: Review
    upgrade_lens_pk: int
    baseline: Milestone
    item: ImprovementItem
    report: Report
    portfolio_report: PortfolioReport
    webhook: Webhook
    evidence_practice: str
    # A ready PDF and an evidence file whose files are gone from the storage (their downloads answer 410).
    gone_report: Report
    gone_evidence: Evidence
    staff: AbstractBaseUser
    profiled_lens_slug: str  # a question set that asks a workload profile
    # A review of another workload pre-filled from a template of the team, its answers waiting to be confirmed.
    prefilled_review_pk: int = 0

    @property
    def team_pk(self) -> int:
        return self.cast.team.pk

    @property
    def workload_pk(self) -> int:
        return self.review.workload_id


@dataclass(frozen=True)
class Visit:
    """One page: its URL name (or None for a page no URL names), its address, who opens it, what it answers."""

    id: str
    path: Callable[[Scene], str]
    name: str | None = None
    who: str = "owner"  # owner, viewer, visitor (signed out) or staff (the admin site)
    status: int = 200
    names: tuple[str, ...] = field(default=())  # further URL names that show this same page
    # A page no address of the live server shows on demand: what the app answers, served to the browser as is.
    served: Callable[[], HttpResponse] | None = None
    then: Callable[[Page], None] | None = None  # what the person does on the page before it is checked
    # axe rules left out on this page, each with the reason in a comment where the visit is listed.
    axe_skips: tuple[str, ...] = ()

    @property
    def url_names(self) -> set[str]:
        return {self.id if self.name is None else self.name, *self.names} - {""}


def _visit(name: str, path: Callable[[Scene], str], **options) -> Visit:
    return Visit(id=name, name=name, path=path, **options)


def _send_empty(button: str) -> Callable[[Page], None]:
    """Send the page's form empty, past the browser's own checks, to see the app's refusal."""

    def send(page: Page) -> None:
        page.evaluate("document.querySelectorAll('form').forEach(form => { form.noValidate = true; })")
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        expect(page.locator(".errorlist, [role=alert]").first).to_be_visible()

    return send


def _wrong_password(page: Page) -> None:
    page.get_by_label("Username or e-mail").fill("olive")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()


def _invite(page: Page) -> None:
    page.get_by_label("E-mail address").fill("rita@example.com")
    page.get_by_label("Role", exact=True).select_option(label="Viewer")
    with page.expect_navigation():
        page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text("Sent an invitation")


def _new_token(page: Page) -> None:
    page.get_by_label("Name").fill("Nightly export")
    with page.expect_navigation():
        page.get_by_role("button", name="Make token").click()
    expect(page.locator("#new-token-secret")).to_be_visible()


PAGES = [
    _visit("reviews:dashboard", lambda s: "/"),
    _visit("teams:list", lambda s: "/teams/"),
    _visit("teams:detail", lambda s: f"/teams/{s.team_pk}/"),
    _visit("teams:audit_log", lambda s: f"/teams/{s.team_pk}/audit/"),
    _visit("webhooks:list", lambda s: f"/teams/{s.team_pk}/webhooks/"),
    _visit("webhooks:detail", lambda s: f"/webhooks/{s.webhook.pk}/"),
    _visit("workloads:create", lambda s: f"/teams/{s.team_pk}/workloads/new/"),
    _visit("workloads:detail", lambda s: f"/workloads/{s.workload_pk}/"),
    _visit("workloads:edit", lambda s: f"/workloads/{s.workload_pk}/edit/"),
    _visit("workloads:delete", lambda s: f"/workloads/{s.workload_pk}/delete/"),
    _visit("profiles:profile", lambda s: f"/workloads/{s.workload_pk}/profiles/{s.profiled_lens_slug}/"),
    _visit("reviews:overview", lambda s: f"/reviews/{s.review.pk}/"),
    _visit("reviews:question", lambda s: f"/reviews/{s.review.pk}/questions/PERF_02/"),
    _visit("reviews:history", lambda s: f"/reviews/{s.review.pk}/questions/PERF_02/history/"),
    _visit("reviews:upgrade", lambda s: f"/reviews/{s.review.pk}/upgrade/{s.upgrade_lens_pk}/"),
    _visit("plans:plan", lambda s: f"/reviews/{s.review.pk}/plan/"),
    _visit("plans:item", lambda s: f"/reviews/{s.review.pk}/plan/items/{s.item.pk}/"),
    _visit("plans:mine", lambda s: "/my-items/"),
    _visit(
        "evidence:practice",
        lambda s: f"/reviews/{s.review.pk}/questions/PERF_02/practices/{s.evidence_practice}/evidence/",
    ),
    _visit("evidence:team_policy", lambda s: f"/teams/{s.team_pk}/evidence/"),
    _visit("evidence:findings", lambda s: f"/reviews/{s.review.pk}/findings/"),
    _visit("reports:page", lambda s: f"/reviews/{s.review.pk}/report/"),
    _visit("reports:workload_page", lambda s: f"/workloads/{s.workload_pk}/report/"),
    _visit("reports:milestone_page", lambda s: f"/milestones/{s.baseline.pk}/report/"),
    _visit("reports:job", lambda s: f"/reports/{s.report.pk}/"),
    _visit("reports:portfolio_job", lambda s: f"/reports/portfolio/{s.portfolio_report.pk}/"),
    _visit("milestones:overview", lambda s: f"/milestones/{s.baseline.pk}/"),
    _visit("milestones:question", lambda s: f"/milestones/{s.baseline.pk}/questions/PERF_02/"),
    _visit("milestones:compare", lambda s: f"/workloads/{s.workload_pk}/compare/"),
    _visit("portfolio:page", lambda s: "/portfolio/"),
    _visit("tokens:list", lambda s: "/accounts/api-tokens/"),
    _visit("review_templates:list", lambda s: f"/teams/{s.team_pk}/review-templates/"),
    _visit("review_templates:start", lambda s: f"/workloads/{s.workload_pk}/reviews/start-from/"),
    Visit(
        id="review_templates:start, a question set chosen",
        name="review_templates:start",
        path=lambda s: f"/workloads/{s.workload_pk}/reviews/start-from/?lens={s.review.lens_id}",
    ),
    Visit(
        id="reviews:question, pre-filled",
        name="reviews:question",
        path=lambda s: f"/reviews/{s.prefilled_review_pk}/questions/PERF_02/",
    ),
    # Swagger UI (django-ninja's) draws the page once its script has run. Its own markup puts a link inside each
    # operation's button (nested-interactive) and jumps from its title's h1 to the tags' h3 (heading-order); the
    # markup is the library's (rewriting it from outside would break on its next upgrade), so only these two
    # rules are left out here; its colours are fixed in static/css/api-docs.css.
    _visit(
        "api:openapi-view",
        lambda s: "/api/v1/docs",
        then=lambda page: expect(page.locator(".opblock-summary-control").first).to_be_visible(),
        axe_skips=("nested-interactive", "heading-order"),
    ),
    # Forms as they come back refused, and a token's secret shown once.
    Visit(id="teams:list, refused", name="teams:list", path=lambda s: "/teams/", then=_send_empty("Create team")),
    Visit(
        id="workloads:create, refused",
        name="workloads:create",
        path=lambda s: f"/teams/{s.team_pk}/workloads/new/",
        then=_send_empty("Save workload"),
    ),
    Visit(
        id="webhooks:list, refused",
        name="webhooks:list",
        path=lambda s: f"/teams/{s.team_pk}/webhooks/",
        then=_send_empty("Add webhook"),
    ),
    Visit(
        id="evidence:practice, refused",
        name="evidence:practice",
        path=lambda s: f"/reviews/{s.review.pk}/questions/PERF_02/practices/{s.evidence_practice}/evidence/",
        then=_send_empty("Add evidence"),
    ),
    Visit(
        id="evidence:findings, refused",
        name="evidence:findings",
        path=lambda s: f"/reviews/{s.review.pk}/findings/",
        then=_send_empty("Import findings"),
    ),
    Visit(
        id="review_templates:save, refused",
        name="review_templates:save",
        path=lambda s: f"/reviews/{s.review.pk}/",
        then=_send_empty("Save as template"),
    ),
    Visit(id="teams:detail, a message", name="teams:detail", path=lambda s: f"/teams/{s.team_pk}/", then=_invite),
    Visit(id="tokens:list, a new token", name="tokens:list", path=lambda s: "/accounts/api-tokens/", then=_new_token),
    # A person's account pages (django-allauth's, in the app's frame).
    _visit("account_email", lambda s: "/accounts/email/"),
    _visit("account_change_password", lambda s: "/accounts/password/change/"),
    _visit("account_reauthenticate", lambda s: "/accounts/reauthenticate/"),
    _visit("mfa_index", lambda s: "/accounts/2fa/"),
    _visit("socialaccount_connections", lambda s: "/accounts/3rdparty/"),
    _visit("logout", lambda s: "/accounts/logout/", names=("account_logout",)),
    # The pages of someone signed out.
    _visit("login", lambda s: "/accounts/login/", who="visitor", names=("account_login",)),
    Visit(id="login, refused", name="login", path=lambda s: "/accounts/login/", who="visitor", then=_wrong_password),
    _visit("account_signup", lambda s: "/accounts/signup/", who="visitor"),
    Visit(
        id="account_signup, refused",
        name="account_signup",
        path=lambda s: "/accounts/signup/",
        who="visitor",
        then=_send_empty("Sign up"),
    ),
    _visit("account_reset_password", lambda s: "/accounts/password/reset/", who="visitor"),
    _visit("account_reset_password_done", lambda s: "/accounts/password/reset/done/", who="visitor"),
    _visit(
        "account_reset_password_from_key",
        lambda s: "/accounts/password/reset/key/zz-not-a-key/",
        who="visitor",
    ),
    _visit("account_reset_password_from_key_done", lambda s: "/accounts/password/reset/key/done/", who="visitor"),
    _visit("account_confirm_email", lambda s: "/accounts/confirm-email/not-a-key/", who="visitor"),
    _visit("account_email_verification_sent", lambda s: "/accounts/confirm-email/", who="visitor"),
    _visit("account_inactive", lambda s: "/accounts/inactive/", who="visitor"),
    _visit("socialaccount_login_cancelled", lambda s: "/accounts/3rdparty/login/cancelled/", who="visitor"),
    _visit("socialaccount_login_error", lambda s: "/accounts/3rdparty/login/error/", who="visitor", status=401),
    _visit("teams:invitation_accept", lambda s: f"/invitations/{INVITATION_TOKEN}/", who="visitor"),
    # The question sets, imported by the staff on the admin site.
    _visit("admin:lenses_lens_import", lambda s: "/admin/lenses/lens/import/", who="staff"),
    _visit("admin:lenses_lens_changelist", lambda s: "/admin/lenses/lens/", who="staff"),
    # Error pages, as a member meets them.
    Visit(id="403 page", path=lambda s: f"/teams/{s.team_pk}/audit/", who="viewer", status=403),
    Visit(id="404 page", path=lambda s: f"/reviews/{MISSING}/", status=404),
    Visit(id="400 page", path=lambda s: "/errors/400/", status=400, served=lambda: bad_request(_request(), None)),
    # Too many sign-in attempts: django-allauth's answer, on the app's template.
    Visit(
        id="429 page", path=lambda s: "/errors/429/", who="visitor", status=429, served=lambda: handler429(_request())
    ),
    Visit(id="500 page", path=lambda s: "/errors/500/", status=500, served=lambda: server_error(_request())),
    # A file gone from the storage: the download answers a page that says so, with the way to make it again.
    Visit(id="410 page, a PDF gone", path=lambda s: f"/reports/{s.gone_report.pk}/download/", status=410),
    Visit(id="410 page, an evidence file gone", path=lambda s: f"/evidence/{s.gone_evidence.pk}/file/", status=410),
]


def _request() -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


# Named URLs that are no page of their own, with the reason.
NOT_PAGES = {
    # Forms post here and are sent on (302) to a page above, or get that page again with the errors.
    **dict.fromkeys(
        [
            "reviews:start",
            "reviews:close",
            "reviews:reopen",
            "milestones:create",
            "reports:pdf_request",
            "reports:milestone_pdf_request",
            "reports:workload_pdf_request",
            "reports:portfolio_pdf_request",
            "reports:retry",
            "reports:portfolio_retry",
            "teams:invitation_create",
            "teams:invitation_resend",
            "teams:invitation_revoke",
            "teams:member_update",
            "teams:member_remove",
            "webhooks:create",
            "webhooks:update",
            "webhooks:rotate_secret",
            "webhooks:delete",
            "webhooks:delivery_resend",
            "tokens:revoke",
            "evidence:remove",
            "review_templates:delete",
            "review_templates:confirm",
        ],
        "POST only",
    ),
    # Files to save, not pages to read.
    **dict.fromkeys(
        [
            "plans:csv",
            "portfolio:csv",
            "reports:export_csv",
            "reports:export_json",
            "reports:milestone_export_csv",
            "reports:milestone_export_json",
            "reports:download",
            "reports:portfolio_download",
            "mfa_download_recovery_codes",
            "admin:lenses_lens_export",
            "evidence:file",
        ],
        "a download",
    ),
    "healthz": "the health check, plain text for the load balancer",
    "api:openapi-json": "the API's schema (JSON); its page is api:openapi-view",
    # Pages that only send the browser on: to reauthenticate first, to the identity provider, or to the step of
    # a sign-in that is under way (none is, in a fresh browser).
    **dict.fromkeys(
        [
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "account_confirm_login_code",
            "account_set_password",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "socialaccount_signup",
            "openid_connect_login",
            "openid_connect_callback",
        ],
        "redirects elsewhere unless a sign-in step is under way (tests/accounts/test_account_pages.py)",
    ),
}
# The JSON API answers JSON (tests/api); the admin site is Django's own, for staff: only the question sets'
# pages above are the app's.
NOT_PAGE_NAMESPACES = {"api": "the JSON API (tests/api)", "admin": "Django's admin site"}


def url_names() -> set[str]:
    """Every URL name of the app, with its namespaces."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_a_page_in_the_catalogue_or_says_why_not():
    catalogued = {name for visit in PAGES for name in visit.url_names}
    exempt = set(NOT_PAGES) | {
        name for name in url_names() if name.split(":")[0] in NOT_PAGE_NAMESPACES and name not in catalogued
    }
    assert not catalogued & set(NOT_PAGES), "a URL is both a page and not one"
    left_out = url_names() - catalogued - exempt
    assert not left_out, f"URLs neither in PAGES nor in NOT_PAGES: {sorted(left_out)}"
    assert catalogued - {visit.id for visit in PAGES if visit.name is None} <= url_names(), "a visit names no URL"


@pytest.fixture
def scene(cast: Cast, answered_review: Review, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path
    settings.ACCOUNT_SIGNUP_OPEN = True  # the sign-up form, rather than the page saying sign-up is closed
    review, owner = answered_review, cast.owner
    # Evidence before the milestones, so the milestone's question page shows its copy.
    choices = Choice.objects.filter(question__pillar__lens=review.lens, question__code="PERF_02", is_none=False)
    practice = choices.order_by("order").first()
    evidence_add(
        answer=answer_of(review, "PERF_02"),
        practice=practice.code,
        practice_title=practice.title,
        user=owner,
        data=EvidenceInput(
            kind="link",
            title="Load-test dashboard",
            url="https://grafana.example.com/d/load-tests",
            upload=None,
            content_type="",
            note="",
            verified_on=date.today(),
        ),
    )
    baseline = milestone_save(review=review, name="Baseline before the load tests", user=owner)
    review_services.answer_save(
        answer=answer_of(review, "PERF_05"),
        user=cast.contributor,
        data=review_services.AnswerState(selected=[], notes="A very-long-unbroken-word-" * 6),
        expected_version=0,
    )
    milestone_save(review=review, name="After the load tests", user=owner)
    plan_open(review=review)
    item = ImprovementItem.objects.filter(review=review).order_by("pk").first()
    assert item is not None
    ImprovementItem.objects.filter(pk=item.pk).update(owner=owner, status="in_progress")
    upgrade = lens_publish(lens=lens_new_draft(lens=review.lens))
    report = Report.objects.create(review=review, requested_by=owner)
    Report.objects.create(review=review, requested_by=owner, status=Report.Status.FAILED, error="It broke.")
    ready = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    ready.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    gone_report = Report.objects.create(
        review=review, requested_by=owner, status=Report.Status.READY, file="reports/2020/01/gone.pdf"
    )
    portfolio_report = PortfolioReport.objects.create(requested_by=owner, workload_count=1)
    portfolio_report.workloads.add(review.workload)
    webhook = webhook_create(
        team=cast.team,
        user=owner,
        edit=WebhookEdit(url="https://hooks.example.com/wareview/incoming", events=[e.value for e in Event]),
    )
    for status in (Delivery.Status.SUCCEEDED, Delivery.Status.FAILED, Delivery.Status.PENDING):
        Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload={"id": 1}, status=status)
    token_create(user=owner, name="Deploy pipeline", scope="read", days=30)
    invitation_create(team=cast.team, email="nadia@example.com", role=Role.CONTRIBUTOR, by=owner, site_url="")
    Invitation.objects.create(
        team=cast.team, email="nadia@example.org", role=Role.VIEWER, token_hash=token_hash(INVITATION_TOKEN)
    )
    gone_evidence = Evidence.objects.create(
        answer=answer_of(review, "PERF_02"),
        practice=practice.code,
        kind=Evidence.Kind.FILE,
        title="Load-test results",
        file="evidence/2020/01/gone.pdf",
        file_name="load-test-results.pdf",
        verified_on=date.today(),
        added_by=owner,
    )
    for example in ("checkov.sarif", "k6-junit.xml"):  # failing checks on the findings and question pages
        tool_report = report_read(data=(Path(settings.BASE_DIR) / "docs" / "examples" / example).read_bytes())
        findings_import(review=review, report=tool_report, user=owner)
    staff = UserFactory(username="sam", is_staff=True, is_superuser=True)
    template = template_save(
        review=review, name="Payments baseline", description="What the payments team usually answers.", user=owner
    )
    prefilled = review_start_prefilled(
        workload=Workload.objects.create(team=cast.team, name="Ledger", created_by=owner),
        lens=review.lens,
        source=PrefillSource(f"template-{template.pk}", f"template {template.name}", review.lens, template=template),
        user=owner,
    )
    return Scene(
        cast=cast,
        review=review,
        upgrade_lens_pk=upgrade.pk,
        baseline=baseline,
        item=item,
        report=report,
        portfolio_report=portfolio_report,
        webhook=webhook,
        evidence_practice=practice.code,
        staff=staff,
        gone_report=gone_report,
        gone_evidence=gone_evidence,
        profiled_lens_slug=build_profiled_lens().slug,
        prefilled_review_pk=prefilled.pk,
    )


@pytest.fixture(params=list(WIDTHS))
def width(request) -> str:
    return request.param


@pytest.fixture
def contexts(browser: Browser, live_server, scene: Scene, width: str) -> Iterator[dict[str, BrowserContext]]:
    """One browser context per person, at the width of the test, with axe-core in every document it opens.

    axe-core (570 kB) is handed to the browser once per context and runs as each document starts, rather than
    being sent and compiled again through page.evaluate() for every visit.
    """
    people = {"owner": scene.cast.owner, "viewer": scene.cast.viewer, "staff": scene.staff, "visitor": None}
    made = {}
    for who, user in people.items():
        context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(script=AXE.axe_script)
        if user is not None:
            sign_in_as(context, user, live_server.url)
        made[who] = context
    yield made
    for context in made.values():
        context.close()


AXE = Axe()


@dataclass
class Tab:
    """A person's open page, visited again by address; what goes wrong in it is collected afresh for each visit."""

    page: Page
    errors: list[str]


@pytest.mark.browser
def test_every_page_fits_the_width_and_passes_axe(subtests, contexts, scene: Scene, width: str) -> None:
    # Opening a page costs a renderer of its own, so each person keeps one page and goes from address to address,
    # each a new document. A visit that types into its page, routes its address or fails closes the page after
    # it, so the next visit starts from a page nobody touched.
    tabs: dict[str, Tab] = {}
    for visit in PAGES:
        with subtests.test(msg=visit.id):
            tab = tabs.pop(visit.who, None)
            if tab is None:
                page = contexts[visit.who].new_page()
                tab = Tab(page, _watch(page))
            tab.errors.clear()
            try:
                problems = _check(visit, tab, scene)
            except BaseException:
                tab.page.close()
                raise
            if visit.then is None and visit.served is None and not problems:
                tabs[visit.who] = tab
            else:
                tab.page.close()
            assert not problems, f"{visit.id} at {width}:\n" + "\n".join(problems)
    for tab in tabs.values():
        tab.page.close()


def _check(visit: Visit, tab: Tab, scene: Scene) -> list[str]:
    """Open the visit's page in the tab and say what is wrong with it: errors, sideways scrolling, axe."""
    page = tab.page
    if visit.served is not None:
        page.route(f"**{visit.path(scene)}", _serve(visit.served()))
    response = page.goto(visit.path(scene), wait_until="load")
    assert response is not None and response.status == visit.status, f"{visit.id} answered {response}"
    if visit.then is not None:
        visit.then(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    rules = {rule: {"enabled": False} for rule in visit.axe_skips}
    violations = page.evaluate(
        "options => axe.run(options).then(results => results.violations)",
        {"resultTypes": ["violations"], "rules": rules},
    )
    problems = [f"JavaScript errors or refusals: {tab.errors}"] if tab.errors else []
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px: {_widest(page)}")
    if violations:
        problems.append(describe_violations(violations))
    return problems


def _serve(answer: HttpResponse) -> Callable[[Route], None]:
    def fulfil(route: Route) -> None:
        route.fulfill(status=answer.status_code, content_type=answer["Content-Type"], body=answer.content)

    return fulfil


def _watch(page: Page) -> list[str]:
    """What goes wrong in the page as it loads: JavaScript errors, and what the Content-Security-Policy refused."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if "Security Policy" in message.text else None)
    return errors


WIDEST = """() => {
  const limit = window.innerWidth + 0.5;
  // A scroll region clips what is wider than itself; only what sticks out of the page counts.
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit && !clipped(el))
    .filter(el => ![...el.children].some(child => child.getBoundingClientRect().right > limit))
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
      + ` (right ${Math.round(el.getBoundingClientRect().right)}px)`);
}"""


def _widest(page: Page) -> str:
    """The innermost elements that stick out past the right edge: where to look."""
    return ", ".join(page.evaluate(WIDEST))
