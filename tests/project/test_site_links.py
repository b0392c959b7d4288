"""Every page's header links (`wareview.lib.site_links`), kept per script prefix."""

import re

import pytest
from django.urls import clear_script_prefix, set_script_prefix

from wareview.lib.site_links import site_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    clear_script_prefix()


def test_the_header_links_follow_the_prefix_the_site_is_served_under(script_prefix, rf):
    script_prefix("/")
    plain = site_links(rf.get("/"))["site_links"]
    script_prefix("/wareview/")
    prefixed = site_links(rf.get("/"))["site_links"]
    script_prefix("/")

    assert plain["dashboard"] == "/" and plain["account"] == "/accounts/email/"
    assert prefixed == {key: "/wareview" + link for key, link in plain.items()}
    assert site_links(rf.get("/"))["site_links"] == plain


def test_every_page_header_has_them(client, cast):
    cast.owner.is_staff = True
    cast.owner.save()
    client.force_login(cast.owner)

    page = client.get("/").content.decode()

    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    links = re.findall(r'(?:href|action)="([^"]+)"', header)
    assert links == [
        "/",
        "/",
        "/portfolio/",
        "/my-items/",
        "/teams/",
        "/admin/",
        "/accounts/logout/",
        "/accounts/email/",
    ]
