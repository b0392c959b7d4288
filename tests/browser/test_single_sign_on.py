"""Single sign-on through a real OpenID provider: a second Django process running django-oauth-toolkit
(tests/oidc_provider/), the browser walking the whole authorization-code flow (with PKCE) and back."""

import uuid
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from tests.oidc_provider.server import OpenIDProvider, start_provider
from tests.project.redis_server import free_port
from wareview.lib.sso import PROVIDER_ID, issuer_origin, openid_connect_provider

pytestmark = pytest.mark.browser

CLIENT_ID = "wareview-test"
CLIENT_SECRET = "a-client-secret-for-tests"
CORPORATE_PASSWORD = "corporate-password-1"


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[OpenIDProvider]:
    provider = start_provider(tmp_path_factory.mktemp("oidc"), free_port())
    yield provider
    provider.stop()


@pytest.fixture
def uid_claim() -> str:
    return "sub"


@pytest.fixture
def single_sign_on(provider: OpenIDProvider, live_server, settings, uid_claim) -> OpenIDProvider:
    """The app configured as OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME and OIDC_UID_CLAIM would."""
    client_id = f"{CLIENT_ID}-{uuid.uuid4().hex[:6]}"
    provider.add_client(client_id, CLIENT_SECRET, f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/")
    settings.SOCIALACCOUNT_PROVIDERS = openid_connect_provider(
        issuer=provider.issuer, client_id=client_id, secret=CLIENT_SECRET, name="Example Corp", uid_claim=uid_claim
    )
    policy = settings.CONTENT_SECURITY_POLICY
    form_action = [*policy["DIRECTIVES"]["form-action"], issuer_origin(provider.issuer)]
    directives = {**policy["DIRECTIVES"], "form-action": form_action}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return provider


def sign_in_at_the_provider(page: Page, name: str) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Sign in with Example Corp").click()
    expect(page.get_by_role("heading", name="Example Corp sign-in")).to_be_visible()
    page.get_by_label("Corporate username").fill(name)
    page.get_by_label("Corporate password").fill(CORPORATE_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_a_colleague_with_an_account_signs_in_through_the_provider_into_that_account(
    page: Page, single_sign_on: OpenIDProvider, transactional_db
):
    name = f"olga-{uuid.uuid4().hex[:6]}"
    olga = UserFactory(username="olga", email=f"{name}@example.com")
    EmailAddress.objects.create(user=olga, email=olga.email, verified=True, primary=True)
    single_sign_on.add_user(name, olga.email, CORPORATE_PASSWORD)

    sign_in_at_the_provider(page, name)

    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("olga")
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == olga
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("uid_claim", ["employee_id"])
def test_someone_new_to_wareview_gets_an_account_named_by_the_claims_the_settings_choose(
    page: Page, single_sign_on: OpenIDProvider, transactional_db, settings
):
    settings.OIDC_USERNAME_CLAIM = "email"  # the account is named after the address, up to the @
    name = f"nina-{uuid.uuid4().hex[:6]}"
    single_sign_on.add_user(name, f"{name}.k@example.com", CORPORATE_PASSWORD)

    sign_in_at_the_provider(page, name)

    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()
    nina = get_user_model().objects.get(username=f"{name}.k")
    assert nina.email == f"{name}.k@example.com" and not nina.has_usable_password()
    assert EmailAddress.objects.get(user=nina).verified
    assert SocialAccount.objects.get(user=nina).uid.startswith("E")  # the provider's employee_id, not its sub
