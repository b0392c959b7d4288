"""The privacy headers: who gets `Cache-Control: private, no-store`, told without loading the user."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def cache_control(response) -> set[str]:
    return set(re.split(r",\s*", response.get("Cache-Control", ""))) - {""}


def test_a_visitor_without_a_session_gets_no_private_mark(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not cache_control(response) & {"private", "no-store"}
    assert "camera=()" in response["Permissions-Policy"]


def test_signing_in_is_answered_privately(client):
    person = UserFactory()
    response = client.post(reverse("login"), {"login": person.username, "password": PASSWORD})
    assert response.status_code == 302
    assert {"private", "no-store"} <= cache_control(response)


def test_a_signed_in_person_gets_every_answer_privately(client):
    client.force_login(UserFactory())
    assert {"private", "no-store"} <= cache_control(client.get(reverse("reviews:dashboard")))
    # A page whose view never needs the user is still private to someone signed in.
    assert {"private", "no-store"} <= cache_control(client.get("/no-such-page/"))


def test_a_request_with_api_credentials_is_answered_privately_even_when_refused(client):
    response = client.get("/api/v1/lenses", HTTP_AUTHORIZATION="Bearer wrv_not-a-token")
    assert response.status_code == 401
    assert {"private", "no-store"} <= cache_control(response)
