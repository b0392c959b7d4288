"""The owners' webhook pages: list, add (http and https only), change events, rotate the secret, delete, and the
deliveries with "Send again". Who else is refused is walked in tests/project/test_access_matrix.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wareview.webhooks.models import Delivery, Event, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, cast):
    client.force_login(cast.owner)
    return client


def add(client, team, **fields):
    data = {"url": "https://hooks.example.com/wareview", "events": ["milestone.saved"], "is_active": "on", **fields}
    return client.post(reverse("webhooks:create", args=[team.pk]), data)


def test_the_team_page_links_owners_to_the_webhooks(client, cast):
    client.force_login(cast.owner)
    assert (
        reverse("webhooks:list", args=[cast.team.pk])
        in client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    )
    client.force_login(cast.contributor)
    assert "/webhooks/" not in client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()


def test_an_owner_adds_a_webhook_and_sees_its_secret(owner_client, cast):
    response = add(owner_client, cast.team, events=["milestone.saved", "review.completed"])
    webhook = Webhook.objects.get()
    assert response["Location"] == reverse("webhooks:detail", args=[webhook.pk])
    assert webhook.events == ["milestone.saved", "review.completed"] and webhook.is_active
    assert webhook.secret.startswith("whsec_") and len(webhook.secret) > 40
    page = owner_client.get(response["Location"]).content.decode()
    assert webhook.secret in page and "Added the webhook." in page
    listing = owner_client.get(reverse("webhooks:list", args=[cast.team.pk])).content.decode()
    assert "https://hooks.example.com/wareview" in listing and "Milestone saved; Review completed" in listing


@pytest.mark.parametrize(
    "url, words",
    [
        (
            "ftp://files.example.com/in",
            "Enter an http:// or https:// address; a webhook cannot be sent to ftp: addresses.",
        ),
        ("javascript:alert(1)", "a webhook cannot be sent to javascript: addresses."),
        ("hooks.example.com/in", "Enter a full address, starting with https:// or http://."),
        ("https://exa mple.com/", "Enter a valid URL."),
    ],
)
def test_an_address_that_is_not_http_or_https_is_refused_with_words(owner_client, cast, url, words):
    response = add(owner_client, cast.team, url=url)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_webhook_without_events_is_refused(owner_client, cast):
    response = add(owner_client, cast.team, events=[])
    assert response.status_code == 400 and "Choose at least one event to send." in response.content.decode()
    assert not Webhook.objects.exists()


def test_an_owner_changes_the_events_and_disables_the_webhook(owner_client, webhook):
    data = {"url": webhook.url, "events": ["report.ready"]}
    response = owner_client.post(reverse("webhooks:update", args=[webhook.pk]), data)
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.events, webhook.is_active) == (["report.ready"], False)


def test_a_bad_change_keeps_the_webhook_as_it_was(owner_client, webhook):
    response = owner_client.post(reverse("webhooks:update", args=[webhook.pk]), {"url": "gopher://x", "events": ["x"]})
    assert response.status_code == 400
    assert "Select a valid choice. x is not one of the available choices." in response.content.decode()
    before = webhook.events
    webhook.refresh_from_db()
    assert webhook.events == before and webhook.url.startswith("http://127.0.0.1")


def test_rotating_the_secret_makes_a_new_one_and_the_old_stops_signing(owner_client, webhook):
    old = webhook.secret
    response = owner_client.post(reverse("webhooks:rotate_secret", args=[webhook.pk]))
    webhook.refresh_from_db()
    assert response.status_code == 302 and webhook.secret != old
    page = owner_client.get(reverse("webhooks:detail", args=[webhook.pk])).content.decode()
    assert webhook.secret in page and old not in page


def test_deleting_a_webhook_takes_its_deliveries(owner_client, cast, webhook):
    Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload={})
    response = owner_client.post(reverse("webhooks:delete", args=[webhook.pk]))
    assert response["Location"] == reverse("webhooks:list", args=[cast.team.pk])
    assert not Webhook.objects.exists() and not Delivery.objects.exists()


def failed_delivery(webhook, **fields) -> Delivery:
    values = {"status": "failed", "attempts": 3, "response_code": 500, "error": "The receiver answered 500.", **fields}
    return Delivery.objects.create(webhook=webhook, event=Event.REPORT_READY, payload={"summary": "A PDF."}, **values)


def test_the_deliveries_show_status_response_attempts_and_error_newest_first_a_page_at_a_time(owner_client, webhook):
    for number in range(21):
        failed_delivery(webhook, error=f"Error number {number}.")
    page = owner_client.get(reverse("webhooks:detail", args=[webhook.pk])).content.decode()
    assert "Error number 20." in page and "Error number 1." in page and "Error number 0." not in page
    assert "Failed" in page and "<td>500</td>" in page and "<td>\n            3" in page
    assert page.count(">Send again<") == 20
    older = owner_client.get(reverse("webhooks:detail", args=[webhook.pk]) + "?page=2").content.decode()
    assert "Error number 0." in older and "Newer deliveries" in older


def test_the_webhook_page_takes_the_same_queries_for_one_and_twenty_deliveries(owner_client, webhook, receiver):
    url = reverse("webhooks:detail", args=[webhook.pk])
    counts = []
    for total in (1, 20):
        while Delivery.objects.count() < total:
            failed_delivery(webhook)
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_send_again_sends_the_same_delivery_and_the_receiver_gets_it(
    owner_client, webhook, receiver, django_capture_on_commit_callbacks
):
    delivery = failed_delivery(webhook)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    assert response["Location"] == reverse("webhooks:detail", args=[webhook.pk])
    [got] = receiver.received
    assert got.headers["Wareview-Delivery"] == str(delivery.uuid)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.error) == ("succeeded", 4, 200, "")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Sending the report ready (a pdf can be downloaded) delivery again." in page


def test_send_again_is_refused_while_the_delivery_is_being_sent_or_the_webhook_is_disabled(
    owner_client, webhook, receiver
):
    sending = failed_delivery(webhook, status="pending")
    response = owner_client.post(reverse("webhooks:delivery_resend", args=[sending.pk]))
    assert response.status_code == 409
    assert "This delivery is still being sent: wait until it is delivered or has failed." in response.content.decode()
    failed = failed_delivery(webhook)
    webhook.is_active = False
    webhook.save()
    response = owner_client.post(reverse("webhooks:delivery_resend", args=[failed.pk]))
    assert (
        response.status_code == 409
        and "The webhook is disabled: enable it before sending again." in response.content.decode()
    )
    failed.refresh_from_db()
    assert failed.status == "failed" and receiver.received == []


def test_contributors_and_viewers_are_refused_with_words_and_change_nothing(client, cast, webhook):
    for user in (cast.contributor, cast.viewer):
        client.force_login(user)
        response = client.post(reverse("webhooks:rotate_secret", args=[webhook.pk]))
        assert response.status_code == 403 and "Only the team&#x27;s owners can do this." in response.content.decode()
        assert client.get(reverse("webhooks:detail", args=[webhook.pk])).status_code == 403
    before = webhook.secret
    webhook.refresh_from_db()
    assert webhook.secret == before


def test_an_outsider_gets_404_for_the_webhooks_of_another_team(client, cast, webhook):
    client.force_login(cast.outsider)
    assert client.get(reverse("webhooks:list", args=[cast.team.pk])).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[webhook.pk])).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()
