"""Single sign-on settings (OpenID Connect through django-allauth), built from a few plain values."""

from urllib.parse import urlsplit

PROVIDER_ID = "sso"


def openid_connect_provider(*, issuer: str, client_id: str, secret: str, name: str, uid_claim: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS for one OpenID provider, read from settings rather than a database row.

    PKCE protects the authorization code; `uid_claim` is the claim that names a person at the provider for good.
    """
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": name,
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {"server_url": issuer, "uid_field": uid_claim},
                }
            ],
        }
    }


def issuer_origin(issuer: str) -> str:
    """The scheme, host and port of `issuer`: where the sign-in form's redirect goes, which the
    Content-Security-Policy's form-action must allow (browsers apply it to a form's redirects too)."""
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"
