"""The site header on a phone and on a wide screen: on a phone its links fold into a menu that opens without a
script and by keyboard; on a wide screen they show in the header."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, sign_in_as

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
OWNER_LINKS = ["Dashboard", "Portfolio", "My items", "Teams", "olive"]
STAFF_LINKS = [*OWNER_LINKS, "Question sets"]


def header_overflow(page: Page) -> int:
    """How many pixels the header is wider than the window (0 when it fits)."""
    return page.evaluate(
        "Math.max(0, document.querySelector('.site-header').scrollWidth - window.innerWidth,"
        " document.documentElement.scrollWidth - window.innerWidth)"
    )


def within_the_window(page: Page, name: str, role: str = "link") -> bool:
    box = page.locator(".site-header").get_by_role(role, name=name, exact=True).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["x"] >= 0 and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]


@pytest.mark.parametrize("staff", [False, True], ids=["owner", "staff"])
def test_on_a_phone_every_header_link_is_in_the_menu_and_the_header_fits(
    page: Page, live_server, cast: Cast, staff: bool
) -> None:
    cast.owner.is_staff = staff
    cast.owner.save()
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto("/")
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="Teams", exact=True)).to_be_hidden()
    assert header_overflow(page) == 0

    header.get_by_role("button", name="Menu").click()

    for name in STAFF_LINKS if staff else OWNER_LINKS:
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert within_the_window(page, name), f"{name} is outside the window"
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    assert within_the_window(page, "Sign out", role="button")
    if not staff:
        expect(header.get_by_role("link", name="Question sets")).to_have_count(0)
    assert header_overflow(page) == 0


def test_on_a_phone_the_menu_opens_and_closes_by_keyboard_with_a_visible_focus(
    page: Page, live_server, cast: Cast
) -> None:
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu_button = page.get_by_role("button", name="Menu")
    for _ in range(4):  # past "Skip to content" and the brand
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Menu":
            break
    expect(menu_button).to_be_focused()
    dashboard = page.locator(".site-header").get_by_role("link", name="Dashboard", exact=True)
    expect(dashboard).to_be_hidden()

    page.keyboard.press("Enter")
    expect(dashboard).to_be_visible()
    page.keyboard.press("Tab")
    expect(dashboard).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused menu link shows no outline"

    page.keyboard.press("Escape")
    expect(dashboard).to_be_hidden()
    expect(menu_button).to_be_focused()


def test_on_a_phone_the_menu_opens_without_javascript(no_js_page: Page, live_server, cast: Cast) -> None:
    sign_in_as(no_js_page.context, cast.owner, live_server.url)
    no_js_page.set_viewport_size(PHONE)
    no_js_page.goto("/teams/")
    no_js_page.get_by_role("button", name="Menu").click()
    no_js_page.locator(".site-header").get_by_role("link", name="Teams", exact=True).click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text("Teams")


def test_on_a_wide_screen_the_header_links_show_without_a_menu(page: Page, live_server, cast: Cast) -> None:
    cast.owner.is_staff = True
    cast.owner.save()
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    header = page.locator(".site-header")
    expect(header.get_by_role("button", name="Menu")).to_be_hidden()
    for name in STAFF_LINKS:
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert within_the_window(page, name), f"{name} is outside the window"
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    assert header_overflow(page) == 0
