"""Signed-in sessions read their user through Django's and allauth's backends as shipped, and the middleware is
Django's: a session names one of those backends, or it is signed out."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STOCK_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]


@pytest.mark.parametrize(
    ("login", "backend"),
    [
        ("username", "django.contrib.auth.backends.ModelBackend"),
        ("email", "allauth.account.auth_backends.AuthenticationBackend"),
    ],
)
def test_signing_in_with_a_password_names_the_stock_backend_that_knew_the_name(client, person, login, backend):
    response = client.post(reverse("login"), {"login": getattr(person, login), "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == backend
    assert person.username in client.get(reverse("reviews:dashboard")).content.decode()


def test_the_backends_and_the_middleware_are_django_s_and_allauth_s_as_shipped():
    assert settings.AUTHENTICATION_BACKENDS == STOCK_BACKENDS
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" in settings.MIDDLEWARE
    assert not [path for path in settings.MIDDLEWARE if "Authentication" in path and not path.startswith("django.")]


@pytest.mark.parametrize("backend", STOCK_BACKENDS)
def test_a_session_of_either_backend_stays_signed_in_and_keeps_its_backend(client, cast, backend):
    client.force_login(cast.viewer, backend=backend)

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 200 and response.context["user"] == cast.viewer
    assert client.session[BACKEND_SESSION_KEY] == backend


def test_a_session_of_a_backend_never_set_up_is_signed_out(client, cast):
    client.force_login(cast.viewer, backend="django.contrib.auth.backends.RemoteUserBackend")

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_deactivated_person_is_signed_out_on_their_next_request(client, cast):
    client.force_login(cast.viewer)
    cast.viewer.is_active = False
    cast.viewer.save()

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_person_deleted_while_signed_in_is_signed_out(client, cast):
    client.force_login(cast.outsider)
    cast.outsider.delete()

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
