"""A new API token is copied with one click; without JavaScript the field is there to copy by hand."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Cast, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_token(page: Page) -> str:
    page.goto("/accounts/api-tokens/")
    page.get_by_label("Name").fill("Deploy script")
    page.get_by_role("button", name="Make token").click()
    return page.get_by_role("textbox", name="Token", exact=True).input_value()


def test_the_copy_button_puts_the_new_token_on_the_clipboard(
    context: BrowserContext, page: Page, live_server, cast: Cast
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in_as(context, cast.owner, live_server.url)
    secret = make_token(page)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret


def test_without_javascript_there_is_no_copy_button_and_the_token_can_be_selected(
    no_js_page: Page, live_server, cast: Cast
) -> None:
    sign_in_as(no_js_page.context, cast.owner, live_server.url)
    assert make_token(no_js_page)
    expect(no_js_page.get_by_role("button", name="Copy")).to_be_hidden()
