"""A new colleague is invited by e-mail, creates an account on the invitation's page and starts working, with no
admin involved; a second owner's invitation to an existing account is accepted after signing in."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PASSWORD, TIMEOUT_MS, Cast, sign_in_as
from tests.factories import UserFactory
from wareview.teams.models import Membership, Role
from wareview.workloads.models import Workload

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


@pytest.fixture
def newcomer_page(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def invite(page: Page, live_server, cast: Cast, email: str, role: str) -> None:
    sign_in_as(page.context, cast.owner, live_server.url)
    page.goto(reverse("teams:detail", args=[cast.team.pk]))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Role", exact=True).select_option(label=role)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Sent an invitation to {email} as {role}.")
    expect(page.get_by_role("table", name="Invitations waiting to be accepted")).to_contain_text(email)


def test_a_new_colleague_accepts_with_a_new_account_and_creates_a_workload(
    page: Page, newcomer_page: Page, live_server, cast: Cast, mailoutbox
) -> None:
    invite(page, live_server, cast, "newbie@example.com", "Contributor")
    link = LINK.search(mailoutbox[-1].body).group(1)

    newcomer_page.goto(link)
    expect(newcomer_page.get_by_role("heading", level=1)).to_have_text("Invitation to Payments")
    newcomer_page.get_by_label("Username").fill("newbie")
    newcomer_page.get_by_label("Password", exact=True).fill("a-fine-long-secret")
    newcomer_page.get_by_label("Password again").fill("a-fine-long-secret")
    newcomer_page.get_by_role("button", name="Create account and accept").click()

    expect(newcomer_page.locator(".messages")).to_have_text("Welcome to Payments: you joined as Contributor.")
    expect(newcomer_page.get_by_text("Your role: Contributor")).to_be_visible()
    newcomer_page.get_by_role("link", name="New workload").click()
    newcomer_page.get_by_label("Name").fill("Billing")
    newcomer_page.get_by_role("button", name="Save workload").click()
    expect(newcomer_page.get_by_role("heading", level=1)).to_contain_text("Billing")
    assert Workload.objects.get(name="Billing").created_by.username == "newbie"

    # The owner's list of waiting invitations is empty again.
    page.reload()
    expect(page.get_by_text("No invitations waiting.")).to_be_visible()


def test_someone_with_an_account_signs_in_from_the_invitation_and_accepts(
    page: Page, newcomer_page: Page, live_server, cast: Cast, mailoutbox
) -> None:
    UserFactory(username="known", email="known@example.com")
    invite(page, live_server, cast, "known@example.com", "Viewer")
    link = LINK.search(mailoutbox[-1].body).group(1)

    newcomer_page.goto(link)
    newcomer_page.get_by_role("link", name="Sign in to accept").click()
    newcomer_page.get_by_label("Username or e-mail").fill("known")
    newcomer_page.get_by_label("Password", exact=True).fill(PASSWORD)
    newcomer_page.get_by_role("button", name="Sign in").click()
    newcomer_page.get_by_role("button", name="Accept invitation").click()

    expect(newcomer_page.locator(".messages")).to_have_text("Welcome to Payments: you joined as Viewer.")
    assert Membership.objects.get(team=cast.team, user__username="known").role == Role.VIEWER
