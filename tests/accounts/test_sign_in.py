"""Signing in (by username or e-mail address) and out on django-allauth, self sign-up, and the admin's sign-in."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, login: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"login": login, "password": password, **extra})


def test_the_sign_in_page_labels_its_fields_and_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_login">Username or e-mail</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert f'<a href="{reverse("account_reset_password")}">Forgot your password?</a>' in page
    assert 'aria-describedby="id_password_helptext"' in page and 'id="id_password_helptext"' in page
    assert "Create one" not in page  # self sign-up is off by default


@pytest.mark.parametrize("login", ["username", "email"])
def test_a_person_signs_in_with_a_username_or_an_email_address_and_lands_on_the_dashboard(client, person, login):
    response = sign_in(client, getattr(person, login).upper() if login == "email" else person.username)
    assert response.status_code == 302 and response["Location"] == "/"
    assert person.username in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_words_and_signs_nobody_in(client, person):
    response = sign_in(client, person.username, "not-the-password")
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()
    assert client.get("/").status_code == 302


def test_signing_in_and_failing_to_send_djangos_signals_for_the_audit_log(client, person):
    received = []

    def record(sender, **kwargs):
        received.append(kwargs.get("user") or kwargs.get("credentials"))

    user_logged_in.connect(record)
    user_login_failed.connect(record)
    try:
        sign_in(client, person.username, "not-the-password")
        sign_in(client, person.username)
    finally:
        user_logged_in.disconnect(record)
        user_login_failed.disconnect(record)
    assert received[0]["username"] == person.username and "password" in str(received[0])  # credentials, cleansed
    assert received[1] == person


def test_signing_out_takes_a_post_and_ends_the_session(client, person):
    client.force_login(person)
    assert client.get(reverse("logout")).status_code == 200  # a page that asks, never a GET that signs out
    assert client.get("/").status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_self_sign_up_is_closed_by_default_and_creates_nobody(client):
    page = client.get(reverse("account_signup"))
    assert "Sign up closed" in page.content.decode() or "Sign Up Closed" in page.content.decode()
    data = {"username": "mallory", "email": "m@example.com", "password1": "x-long-pass-9", "password2": "x-long-pass-9"}
    client.post(reverse("account_signup"), data)
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_with_sign_up_open_a_visitor_creates_an_account_and_gets_a_confirmation_email(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    assert "Create one" in client.get(reverse("login")).content.decode()
    name = f"bea-{uuid.uuid4().hex[:8]}"  # the confirmation mail is limited per address, in the shared cache
    data = {"username": name, "email": f"{name}@example.com", "password1": "x-long-pass-9"}
    data["password2"] = data["password1"]
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    assert get_user_model().objects.filter(username=name, email=f"{name}@example.com").exists()
    assert [message.to for message in mail.outbox] == [[f"{name}@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_the_admin_sends_a_visitor_to_the_apps_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2F"
    # A password posted to the admin's own form signs nobody in: the form is not served any more.
    staff = UserFactory(username="stella", is_staff=True)
    client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_staff_sign_in_on_the_apps_page_and_reach_the_admin(client):
    staff = UserFactory(username="stella", is_staff=True, is_superuser=True)
    response = sign_in(client, staff.username, next="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_who_is_not_staff_is_refused_by_the_admin(client, person):
    client.force_login(person)
    assert client.get("/admin/login/").status_code == 403
