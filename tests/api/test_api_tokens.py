"""Personal API tokens: who the API lets in, what a read-only token may do, expiry, revocation and the rate
limit, and the settings page where tokens are made and revoked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import ApiClient
from wareview.api.auth import EXPIRED_TOKEN, INACTIVE_ACCOUNT, NO_TOKEN, READ_ONLY_TOKEN, REVOKED_TOKEN, UNKNOWN_TOKEN
from wareview.api.models import ApiToken, Scope, secret_hash
from wareview.api.services import token_create, token_revoke
from wareview.reviews.models import Answer

pytestmark = pytest.mark.django_db


def answer_q01(cast) -> Answer:
    return Answer.objects.get(review=cast.review, question__code="Q_01")


def test_a_read_token_reads_but_is_refused_a_change_with_403_and_nothing_changes(client, cast):
    secret = token_create(user=cast.owner, name="dashboards", scope=Scope.READ, days=30).secret
    api = ApiClient(client, secret)
    assert api.get(f"/reviews/{cast.review.pk}").status_code == 200
    response = api.put(f"/reviews/{cast.review.pk}/answers/Q_01", {"version": 0, "selected": ["q_01_a"]})
    assert response.status_code == 403
    assert response.json() == {"message": READ_ONLY_TOKEN}
    assert answer_q01(cast).selected == []


def test_a_read_write_token_changes_an_answer(client, cast):
    secret = token_create(user=cast.owner, name="ci", scope=Scope.READ_WRITE, days=30).secret
    response = ApiClient(client, secret).put(
        f"/reviews/{cast.review.pk}/answers/Q_01", {"version": 0, "selected": ["q_01_a"]}
    )
    assert response.status_code == 200
    assert answer_q01(cast).selected == ["q_01_a"]


def test_an_expired_token_gets_401_with_words(client, cast):
    new = token_create(user=cast.owner, name="old", scope=Scope.READ_WRITE, days=7)
    ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(client, new.secret).get("/workloads")
    assert response.status_code == 401
    assert response.json() == {"message": EXPIRED_TOKEN}


def test_a_revoked_token_gets_401_with_words(client, cast):
    new = token_create(user=cast.owner, name="leaked", scope=Scope.READ_WRITE, days=7)
    token_revoke(token=new.token, by=cast.owner)
    response = ApiClient(client, new.secret).get("/workloads")
    assert response.status_code == 401
    assert response.json() == {"message": REVOKED_TOKEN}


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, NO_TOKEN),
        ("Bearer ", NO_TOKEN),
        ("Basic b2xpdmlhOnB3", NO_TOKEN),
        ("Bearer wrv_not-a-real-token", UNKNOWN_TOKEN),
    ],
)
def test_a_missing_or_unknown_token_gets_401_with_words(client, cast, header, words):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/workloads", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": words}


def test_a_signed_in_browser_session_is_not_an_api_credential(client, cast):
    client.force_login(cast.owner)
    assert client.get("/api/v1/workloads").status_code == 401


def test_only_a_hash_of_the_secret_is_stored_and_last_use_is_noted(client, cast):
    new = token_create(user=cast.owner, name="ci", scope=Scope.READ, days=30)
    token = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret not in {token.secret_hash, token.prefix, token.name}
    assert token.secret_hash == secret_hash(new.secret)
    assert token.last_used_at is None
    ApiClient(client, new.secret).get("/workloads")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_past_the_rate_limit_a_token_gets_429_with_the_wait(client, cast, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    api = ApiClient(client, token_create(user=cast.owner, name="busy", scope=Scope.READ, days=30).secret)
    assert [api.get("/lenses").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/lenses")
    assert refused.status_code == 429
    assert "3 requests in the last minute" in refused.json()["message"]
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another person's token has its own count.
    other = ApiClient(client, token_create(user=cast.viewer, name="other", scope=Scope.READ, days=30).secret)
    assert other.get("/lenses").status_code == 200


def test_api_requests_need_no_csrf_token(cast, tokens):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = ApiClient(strict, tokens["owner"]).patch(f"/workloads/{cast.workload.pk}", {"notes": "From a script"})
    assert response.status_code == 200
    assert response.json()["notes"] == "From a script"


# The settings page


def test_the_token_page_makes_a_token_and_shows_its_secret_once(client, cast):
    client.force_login(cast.owner)
    url = reverse("tokens:list")
    response = client.post(url, {"name": "CI pipeline", "scope": "read_write", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.owner)
    secret = response.context["new_token"].secret
    page = response.content.decode()
    assert secret in page and "shown this once" in page
    assert (token.name, token.scope) == ("CI pipeline", Scope.READ_WRITE)
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get(url).content.decode()
    assert "CI pipeline" in again and secret not in again and token.prefix in again
    assert ApiClient(client, secret).get("/workloads").status_code == 200


def test_the_token_page_refuses_a_bad_form_with_words_and_makes_nothing(client, cast):
    client.force_login(cast.owner)
    response = client.post(reverse("tokens:list"), {"name": "", "scope": "admin", "days": "9999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the token a name" in page and "Choose read or read-write." in page
    assert not ApiToken.objects.exists()


def test_revoking_a_token_on_the_page_stops_it_working(client, cast):
    new = token_create(user=cast.owner, name="ci", scope=Scope.READ, days=30)
    client.force_login(cast.owner)
    response = client.post(reverse("tokens:revoke", args=[new.token.pk]))
    assert response.status_code == 302
    assert ApiClient(client, new.secret).get("/workloads").status_code == 401
    assert "Revoked" in client.get(reverse("tokens:list")).content.decode()


def test_nobody_can_revoke_another_persons_token(client, cast):
    new = token_create(user=cast.owner, name="ci", scope=Scope.READ, days=30)
    client.force_login(cast.contributor)
    assert client.post(reverse("tokens:revoke", args=[new.token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is None


def test_the_token_page_keeps_its_csrf_check(cast):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.owner)
    response = strict.post(reverse("tokens:list"), {"name": "CI", "scope": "read", "days": "30"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_the_account_pages_link_to_the_token_page(client, cast):
    client.force_login(cast.owner)
    assert reverse("tokens:list") in client.get(reverse("account_email")).content.decode()


def test_a_token_of_a_deactivated_account_is_refused_reads_and_writes_with_401(client, cast):
    new = token_create(user=cast.owner, name="nightly", scope=Scope.READ_WRITE, days=30)
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    api = ApiClient(client, new.secret)
    read = api.get(f"/reviews/{cast.review.pk}")
    write = api.put(f"/reviews/{cast.review.pk}/answers/Q_01", {"version": 0, "selected": ["q_01_a"]})
    for response in (read, write):
        assert response.status_code == 401
        assert response.json() == {"message": INACTIVE_ACCOUNT}
    assert answer_q01(cast).selected == []
    assert ApiToken.objects.get(pk=new.token.pk).last_used_at is None
    # The browser refuses the same person: the sign-in page does not let them in.
    assert not client.login(username="olivia", password="a-long-test-password")
