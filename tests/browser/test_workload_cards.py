"""The workload page's lens cards in a real browser: each risk count stays inside its card, on a wide screen and
on a phone."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Cast, sign_in_as
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_each_risk_count_lies_within_its_lens_card(page: Page, live_server, cast: Cast, review: Review, width) -> None:
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/workloads/{review.workload_id}/")
    card = page.locator(".lens-card").bounding_box()
    counts = page.locator(".lens-card .risk-counts > div")
    assert counts.count() == 3
    for index in range(3):
        box = counts.nth(index).bounding_box()
        label = counts.nth(index).inner_text()
        assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"], (label, box, card)
        assert card["y"] <= box["y"] and box["y"] + box["height"] <= card["y"] + card["height"], (label, box, card)
