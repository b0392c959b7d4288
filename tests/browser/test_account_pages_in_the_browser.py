"""The account pages in a browser: signing in with the keyboard alone, the way to a forgotten password, and axe-core
on each page a person sees, in the app's frame and with no refusal from the Content-Security-Policy."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, Cast, sign_in_as

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in BLOCKING_IMPACTS]


def test_a_person_signs_in_with_the_keyboard_alone_after_one_mistake(page: Page, cast: Cast) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username or e-mail").focus()
    page.keyboard.type(cast.owner.get_username())
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("are not correct")
    page.get_by_label("Password", exact=True).focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()


def test_the_sign_in_page_leads_to_the_password_reset_which_tells_its_result(page: Page, cast: Cast) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    page.get_by_label("Email").fill(cast.owner.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    expect(page.locator("main")).to_contain_text("sent you an email")


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/"])
def test_the_pages_before_sign_in_pass_axe(page: Page, cast: Cast, path: str) -> None:
    page.goto(path)
    assert not blocking_violations(page)


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"])
def test_a_persons_account_pages_pass_axe_and_link_to_each_other(page: Page, live_server, cast: Cast, path: str):
    sign_in_as(page.context, cast.owner, live_server.url)
    page.goto(path)
    nav = page.get_by_role("navigation", name="Your account")
    expect(nav.get_by_role("link", name="Two-factor authentication")).to_be_visible()
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    assert not blocking_violations(page)
