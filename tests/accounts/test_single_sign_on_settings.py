"""Single sign-on is configured by environment variables alone (the browser test walks the flow itself)."""

import json

import pytest
from django.urls import reverse

from tests.project.test_settings import PRODUCTION_ENV, run_manage

ENV = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "EMAIL_URL": "memory://"}
SSO_ENV = {
    **ENV,
    "OIDC_ISSUER": "https://login.example.com/realms/staff",
    "OIDC_CLIENT_ID": "wareview",
    "OIDC_CLIENT_SECRET": "s3cret",
    "OIDC_NAME": "Example Corp",
    "OIDC_UID_CLAIM": "oid",
}
READ = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.SOCIALACCOUNT_PROVIDERS, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]))"
)


def test_the_provider_comes_from_the_environment_and_the_policy_lets_the_sign_in_form_reach_it():
    result = run_manage("shell", "--no-imports", "-c", READ, env=SSO_ENV)
    providers, form_action = json.loads(result.stdout)
    app = providers["openid_connect"]["APPS"][0]
    assert (app["client_id"], app["secret"], app["name"]) == ("wareview", "s3cret", "Example Corp")
    assert app["settings"] == {"server_url": "https://login.example.com/realms/staff", "uid_field": "oid"}
    assert providers["openid_connect"]["OAUTH_PKCE_ENABLED"] is True
    assert form_action == ["'self'", "https://login.example.com"]


def test_without_an_issuer_there_is_no_single_sign_on():
    providers, form_action = json.loads(run_manage("shell", "--no-imports", "-c", READ, env=ENV).stdout)
    assert providers == {} and form_action == ["'self'"]


def test_an_issuer_without_its_client_secret_is_refused_with_the_reason():
    result = run_manage("check", env={**SSO_ENV, "OIDC_CLIENT_SECRET": ""})
    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET must be set: single sign-on is on (OIDC_ISSUER is set)." in result.stderr


@pytest.mark.django_db
def test_the_sign_in_page_offers_no_single_sign_on_button_when_none_is_configured(client):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
