"""Optional TOTP two-factor authentication per person (allauth.mfa)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from django.urls import reverse

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def activate_totp(client, person) -> str:
    client.force_login(person)
    # Turning two-factor on asks for the password again first.
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert 'for="id_password"' in client.get(asked["Location"]).content.decode()
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert 'for="id_code"' in page.content.decode() and 'alt="' in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def test_a_person_turns_on_two_factor_and_then_needs_a_code_to_sign_in(client, person):
    secret = activate_totp(client, person)
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("logout"))

    response = client.post(reverse("login"), {"login": person.username, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not signed in before the code
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    right = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_two_factor_is_off_until_a_person_turns_it_on(client, person):
    client.force_login(person)
    page = client.get(reverse("mfa_index")).content.decode()
    assert re.search(r"<h1>\s*Two-Factor Authentication\s*</h1>", page)
    assert "An authenticator app is not active." in page
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"login": person.username, "password": PASSWORD})["Location"] == "/"


def test_a_person_whose_address_is_not_confirmed_is_told_to_confirm_it_first(client, person):
    person.emailaddress_set.update(verified=False)
    client.force_login(person)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert "until you have verified your email address" in response.content.decode()
