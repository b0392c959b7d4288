"""Every page under /accounts/ (django-allauth's and ours), walked by a visitor and by a signed-in person: what
each gets, the same headers as every other page, and never a server error."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
KEY_ARGS = {"key": "not-a-key", "uidb36": "zz", "provider_id": "sso"}
# name → (status for a visitor, status for a signed-in person without two-factor: its pages for turning it off or
# for recovery codes are 404 then); 302s of a visitor go to the sign-in page unless
# listed in PUBLIC_REDIRECTS.
PAGES = {
    "login": (200, 302),
    "logout": (302, 200),
    "account_login": (200, 302),
    "account_logout": (302, 200),
    "account_signup": (200, 302),
    "account_inactive": (200, 200),
    "account_reauthenticate": (302, 200),
    "account_request_reauthentication_code": (302, 200),
    "account_confirm_reauthentication_code": (302, 302),
    "account_email": (302, 200),
    "account_email_verification_sent": (200, 200),
    "account_change_password": (302, 200),
    "account_set_password": (302, 302),
    "account_reset_password": (200, 200),
    "account_confirm_login_code": (302, 302),
    "account_confirm_email": (200, 200),
    "account_reset_password_from_key_done": (200, 200),
    "account_reset_password_from_key": (200, 200),
    "account_reset_password_done": (200, 200),
    "mfa_index": (302, 200),
    "mfa_authenticate": (302, 302),
    "mfa_reauthenticate": (302, 302),
    "mfa_activate_totp": (302, 302),
    "mfa_deactivate_totp": (302, 404),
    "mfa_view_recovery_codes": (302, 404),
    "mfa_generate_recovery_codes": (302, 302),
    "mfa_download_recovery_codes": (302, 404),
    "socialaccount_login_cancelled": (200, 200),
    "socialaccount_login_error": (401, 401),
    "socialaccount_signup": (302, 302),
    "socialaccount_connections": (302, 200),
    "openid_connect_login": (404, 404),
    "openid_connect_callback": (404, 404),
}
# Pages that send a visitor elsewhere than the sign-in page (nothing to sign out of; no sign-in under way).
PUBLIC_REDIRECTS = {
    "logout",
    "account_logout",
    "account_confirm_login_code",
    "mfa_authenticate",
    "socialaccount_signup",
}


def account_url_names() -> set[str]:
    names = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and prefix.startswith("accounts/"):
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def url_of(name: str) -> str:
    for possibility, _, _, _ in get_resolver().reverse_dict.getlist(name):
        params = possibility[0][1]
        return reverse(name, kwargs={param: KEY_ARGS[param] for param in params})
    raise AssertionError(name)


def test_every_page_under_accounts_is_in_the_walk():
    assert account_url_names() <= set(PAGES), sorted(account_url_names() - set(PAGES))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_visitor_gets_each_account_page_or_is_sent_to_sign_in(client, name):
    response = client.get(url_of(name))
    assert response.status_code == PAGES[name][0], name
    if response.status_code == 302 and name not in PUBLIC_REDIRECTS:
        assert response["Location"].startswith(SIGN_IN), response["Location"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_signed_in_person_gets_each_account_page_privately(client, person, name):
    client.force_login(person)
    response = client.get(url_of(name))
    assert response.status_code == PAGES[name][1], name
    assert {"private", "no-store"} <= set(re.split(r",\s*", response["Cache-Control"])), name
    assert "script-src 'self'" in response["Content-Security-Policy"]
    if response.status_code in (200, 401) and response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert '<main id="main"' in page and "<h1" in page, f"{name} is not in the app's frame"
