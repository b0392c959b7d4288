"""E-mail from the environment (EMAIL_URL), and a message that cannot be sent told to whoever asked for it."""

import re
import socket
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.project.test_settings import PRODUCTION_ENV, run_manage
from wareview.lib.env import EmailSettings, email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", EmailSettings(backend="django.core.mail.backends.console.EmailBackend")),
        ("console://", EmailSettings(backend="django.core.mail.backends.console.EmailBackend")),
        ("memory://", EmailSettings(backend="django.core.mail.backends.locmem.EmailBackend")),
        (
            "smtp://apps%40example.com:s3cr%2Ft@mail.example.com:587?tls=1",
            EmailSettings(SMTP, "mail.example.com", 587, "apps@example.com", "s3cr/t", use_tls=True),
        ),
        ("smtp://relay.internal", EmailSettings(SMTP, "relay.internal", 25)),
        ("submission://u:p@mail.example.com", EmailSettings(SMTP, "mail.example.com", 587, "u", "p", use_tls=True)),
        (
            "smtps://u:p@mail.example.com?timeout=3",
            EmailSettings(SMTP, "mail.example.com", 465, "u", "p", use_ssl=True, timeout=3),
        ),
        ("smtp://mail.example.com:2525?ssl=yes", EmailSettings(SMTP, "mail.example.com", 2525, use_ssl=True)),
    ],
)
def test_an_email_url_becomes_djangos_mail_settings(url, expected):
    assert email_settings(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://mail.example.com", "EMAIL_URL must start with one of smtp://"),
        ("smtp://", "EMAIL_URL names no mail server"),
        ("smtp://mail.example.com:port", "not a number"),
        ("smtp://mail.example.com?timeout=soon", "not a number"),
    ],
)
def test_a_wrong_email_url_is_refused_with_what_is_wrong(url, words):
    with pytest.raises(ImproperlyConfigured, match=words):
        email_settings(url)


def test_the_settings_read_email_url_and_the_sender():
    code = "from django.conf import settings as s; "
    code += "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.DEFAULT_FROM_EMAIL)"
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "EMAIL_URL": "smtp://mail.example.com:587?tls=1"}
    result = run_manage("shell", "--no-imports", "-c", code, env={**env, "EMAIL_FROM": "reviews@example.com"})
    assert result.stdout.split() == [SMTP, "mail.example.com", "587", "reviews@example.com"]


def test_the_deploy_checks_warn_when_mail_would_only_reach_the_log():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "EMAIL_URL": ""}
    result = run_manage("check", "--deploy", env=env)
    assert "wareview.W010" in result.stderr and "EMAIL_URL" in result.stderr


@pytest.fixture
def nothing_listens(settings) -> int:
    """An SMTP URL's settings for a port on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broken = email_settings(f"smtp://127.0.0.1:{port}?timeout=2")
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = broken.backend, broken.host, broken.port
    settings.EMAIL_TIMEOUT = broken.timeout
    return port


@pytest.mark.django_db
def test_a_password_reset_sends_a_link_that_sets_a_new_password(client, person):
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[person.email]]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "New password" in form_page.content.decode() or "new password" in form_page.content.decode().lower()
    new = "another-long-password-7"
    done = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)


@pytest.mark.django_db
def test_a_password_reset_whose_mail_cannot_be_sent_says_so_on_the_form(client, person, nothing_listens):
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The e-mail could not be sent: the mail server refused it or did not answer." in page
    assert f"Nothing was sent to {person.email}" in page and 'role="alert"' in page
    assert '<form class="account-form" method="post"' in page  # the form is there to try again


@pytest.mark.django_db
def test_a_sign_up_whose_confirmation_cannot_be_sent_is_told_so_not_shown_a_server_error(
    client, settings, nothing_listens
):
    settings.ACCOUNT_SIGNUP_OPEN = True
    name = f"bea-{uuid.uuid4().hex[:8]}"  # the confirmation mail is limited per address, in the shared cache
    data = {"username": name, "email": f"{name}@example.com", "password1": "x-long-pass-9"}
    data["password2"] = data["password1"]
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 503
    assert "<h1>The e-mail could not be sent</h1>" in response.content.decode()
    assert get_user_model().objects.filter(username=name).exists()


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, person):
    known = client.post(reverse("account_reset_password"), {"email": person.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


@pytest.mark.django_db
def test_a_signed_in_person_changes_their_password_with_the_old_one(client, person):
    client.force_login(person)
    page = client.get(reverse("account_change_password")).content.decode()
    assert 'for="id_oldpassword"' in page and 'for="id_password1"' in page
    wrong = client.post(
        reverse("account_change_password"),
        {"oldpassword": "nope", "password1": "another-long-password-7", "password2": "another-long-password-7"},
    )
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another-long-password-7", "password2": "another-long-password-7"},
    )
    person.refresh_from_db()
    assert person.check_password("another-long-password-7")
