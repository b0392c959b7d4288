"""Failed sign-ins are limited per account and per client address, on the app and so on the admin, which signs in
through the same page. The window is shortened here; the real one is SIGNIN_FAILURE_WINDOW (5 minutes)."""

import time

import pytest
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.project.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

LIMIT = 3
WINDOW = 2  # seconds


@pytest.fixture
def short_window(settings):
    settings.SIGNIN_FAILURE_LIMIT = LIMIT
    settings.SIGNIN_FAILURE_WINDOW = WINDOW
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": f"100/m/ip,{LIMIT}/{WINDOW}s/key"}


def sign_in(client, login: str, password: str, next_url: str = ""):
    return client.post(reverse("login"), {"login": login, "password": password, "next": next_url})


def test_after_n_wrong_passwords_the_next_try_is_refused_even_with_the_right_one_until_the_window_passes(
    client, person, short_window
):
    started = time.monotonic()
    for _ in range(LIMIT):
        refused = sign_in(client, person.username, "wrong-password")
        assert "are not correct" in refused.content.decode()
    paused = sign_in(client, person.username, "wrong-password")
    assert "Too many failed sign-ins for this account. Sign-in is paused: try again in 1 minute" in (
        paused.content.decode()
    )
    assert 'role="alert"' in paused.content.decode()
    right_too_soon = sign_in(client, person.username, PASSWORD)
    assert right_too_soon.status_code == 200 and "Too many failed sign-ins" in right_too_soon.content.decode()
    assert time.monotonic() - started < WINDOW, "the machine was too slow for this window"
    assert client.get("/").status_code == 302

    time.sleep(WINDOW + 0.2)
    assert sign_in(client, person.username, PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_the_limit_counts_an_account_by_name_and_address_alike(client, person, short_window):
    for login in (person.username, person.email, person.username.upper()):
        sign_in(client, login, "wrong-password")
    assert "Too many failed sign-ins" in sign_in(client, person.email, PASSWORD).content.decode()


def test_another_account_is_not_paused_by_someone_elses_failures(client, person, short_window):
    from tests.factories import UserFactory

    other = UserFactory(username=f"{person.username}-b")
    for _ in range(LIMIT + 1):
        sign_in(client, person.username, "wrong-password")
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped_too(client, person, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "4/m/ip,100/m/key"}
    for number in range(4):
        sign_in(client, f"nobody-{number}", "wrong-password")
    assert "Too many failed sign-ins" in sign_in(client, person.username, PASSWORD).content.decode()


def test_the_admin_is_paused_by_the_same_limit(client, person, short_window):
    person.is_staff = person.is_superuser = True
    person.save()
    assert client.get("/admin/login/")["Location"].startswith(reverse("login"))
    for _ in range(LIMIT):
        sign_in(client, person.username, "wrong-password", next_url="/admin/")
    response = sign_in(client, person.username, PASSWORD, next_url="/admin/")
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    time.sleep(WINDOW + 0.2)
    assert sign_in(client, person.username, PASSWORD, next_url="/admin/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_limits_come_from_the_environment():
    code = "from django.conf import settings as s; print(s.ACCOUNT_RATE_LIMITS['login_failed'])"
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60}
    default = run_manage("shell", "--no-imports", "-c", code, env=env)
    changed = {**env, "SIGNIN_FAILURE_LIMIT": "8", "SIGNIN_FAILURE_WINDOW": "900", "SIGNIN_FAILURES_PER_ADDRESS": "40"}
    assert default.stdout.strip() == "20/m/ip,5/300s/key"
    assert run_manage("shell", "--no-imports", "-c", code, env=changed).stdout.strip() == "40/m/ip,8/900s/key"
