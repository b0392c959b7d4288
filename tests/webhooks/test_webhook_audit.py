"""What a team's owners do to its webhooks goes into the team's audit log: adding, changing, making a new secret,
deleting, and sending a delivery again. Who, what and from where; the URL cut to its scheme, host and port; never
the secret. A refused change records nothing."""

import json

import pytest
from django.urls import reverse

from wareview.audit.models import Action, AuditEntry
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.services import record_address

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.4"


@pytest.fixture
def owner_client(client, cast):
    client.force_login(cast.owner)
    return client


def entry(action: Action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def everything_recorded() -> str:
    """Every field of every entry, as text: where a secret must never turn up."""
    return json.dumps(list(AuditEntry.objects.values()), default=str)


def test_adding_a_webhook_is_recorded_without_its_secret(owner_client, cast):
    data = {"url": "https://hooks.example.com/in/T0KEN?key=s3cret", "events": ["review.completed", "milestone.saved"]}
    owner_client.post(reverse("webhooks:create", args=[cast.team.pk]), {**data, "is_active": "on"}, REMOTE_ADDR=ADDRESS)
    webhook = Webhook.objects.get()
    added = entry(Action.WEBHOOK_CREATED)
    assert (added.actor, added.team, added.ip_address) == (cast.owner, cast.team, ADDRESS)
    assert added.target == "https://hooks.example.com/…"
    assert added.details == {"webhook": webhook.pk, "events": "milestone.saved, review.completed", "enabled": True}
    recorded = everything_recorded()
    assert webhook.secret not in recorded and "T0KEN" not in recorded and "s3cret" not in recorded


def test_changing_a_webhook_records_what_changed(owner_client, cast, webhook):
    data = {"url": "https://other.example.com:8443/wareview", "events": ["milestone.saved", "improvement_item.changed"]}
    owner_client.post(reverse("webhooks:update", args=[webhook.pk]), data, REMOTE_ADDR=ADDRESS)
    changed = entry(Action.WEBHOOK_CHANGED)
    assert (changed.actor, changed.team, changed.target) == (cast.owner, cast.team, "https://other.example.com:8443/…")
    host = webhook.url.split("/")[2]
    assert changed.details == {
        "webhook": webhook.pk,
        "url": f"http://{host}/… → https://other.example.com:8443/…",
        "removed": "review.completed, report.ready, evidence.expired",
        "enabled": False,
    }
    assert webhook.secret not in everything_recorded()


def test_saving_a_webhook_unchanged_records_nothing(owner_client, webhook):
    data = {"url": webhook.url, "events": webhook.events, "is_active": "on"}
    assert owner_client.post(reverse("webhooks:update", args=[webhook.pk]), data).status_code == 302
    assert not AuditEntry.objects.filter(action=Action.WEBHOOK_CHANGED).exists()


def test_making_a_new_secret_is_recorded_without_the_old_or_the_new_one(owner_client, cast, webhook):
    old = webhook.secret
    owner_client.post(reverse("webhooks:rotate_secret", args=[webhook.pk]), REMOTE_ADDR=ADDRESS)
    webhook.refresh_from_db()
    rotated = entry(Action.WEBHOOK_SECRET_ROTATED)
    assert (rotated.actor, rotated.team, rotated.details, rotated.ip_address) == (
        cast.owner,
        cast.team,
        {"webhook": webhook.pk},
        ADDRESS,
    )
    recorded = everything_recorded()
    assert old not in recorded and webhook.secret not in recorded


def test_deleting_a_webhook_is_recorded_and_outlives_it(owner_client, cast, webhook):
    Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload={})
    pk, secret = webhook.pk, webhook.secret
    owner_client.post(reverse("webhooks:delete", args=[webhook.pk]), REMOTE_ADDR=ADDRESS)
    assert not Webhook.objects.exists()
    deleted = entry(Action.WEBHOOK_DELETED)
    assert (deleted.actor, deleted.team, deleted.target) == (cast.owner, cast.team, record_address(webhook.url))
    assert deleted.details == {"webhook": pk, "deliveries": 1}
    assert secret not in everything_recorded()


def test_sending_a_delivery_again_is_recorded(owner_client, cast, webhook, django_capture_on_commit_callbacks):
    delivery = Delivery.objects.create(webhook=webhook, event=Event.REPORT_READY, payload={}, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]), REMOTE_ADDR=ADDRESS)
    resent = entry(Action.WEBHOOK_DELIVERY_RESENT)
    assert (resent.actor, resent.team, resent.ip_address) == (cast.owner, cast.team, ADDRESS)
    assert resent.details == {
        "webhook": webhook.pk,
        "delivery": str(delivery.uuid),
        "event": "report.ready",
        "was": "failed",
    }


def test_a_refused_send_again_records_nothing(owner_client, webhook):
    sending = Delivery.objects.create(webhook=webhook, event=Event.REPORT_READY, payload={}, status="pending")
    assert owner_client.post(reverse("webhooks:delivery_resend", args=[sending.pk])).status_code == 409
    assert not AuditEntry.objects.filter(action=Action.WEBHOOK_DELIVERY_RESENT).exists()


@pytest.mark.parametrize("role", ["contributor", "viewer", "outsider"])
def test_people_who_may_not_change_a_webhook_record_nothing(client, cast, webhook, role):
    client.force_login(cast.user(role))
    delivery = Delivery.objects.create(webhook=webhook, event=Event.REPORT_READY, payload={}, status="failed")
    data = {"url": "https://evil.example.com/", "events": ["report.ready"]}
    client.post(reverse("webhooks:create", args=[cast.team.pk]), data)
    client.post(reverse("webhooks:update", args=[webhook.pk]), data)
    client.post(reverse("webhooks:rotate_secret", args=[webhook.pk]))
    client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    client.post(reverse("webhooks:delete", args=[webhook.pk]))
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://hooks.example.com", "https://hooks.example.com"),
        ("https://hooks.example.com/", "https://hooks.example.com"),
        ("https://hooks.example.com/services/T0/B0/XXXX", "https://hooks.example.com/…"),
        ("https://hooks.example.com/?token=abc", "https://hooks.example.com/…"),
        ("https://user:pa55@hooks.example.com:8443/in", "https://hooks.example.com:8443/…"),
        ("http://[2001:db8::1]:8080/in", "http://[2001:db8::1]:8080/…"),
    ],
)
def test_the_log_keeps_a_webhooks_scheme_host_and_port_only(url, kept):
    assert record_address(url) == kept


def test_the_teams_audit_log_shows_what_was_done_to_its_webhooks(owner_client, cast, webhook):
    secrets = [webhook.secret]
    owner_client.post(reverse("webhooks:rotate_secret", args=[webhook.pk]))
    webhook.refresh_from_db()
    secrets.append(webhook.secret)
    owner_client.post(reverse("webhooks:delete", args=[webhook.pk]))
    page = owner_client.get(reverse("teams:audit_log", args=[cast.team.pk])).content.decode()
    host = webhook.url.split("/")[2]
    assert f"Webhook secret replaced: http://{host}/…" in page
    assert f"Webhook deleted: http://{host}/…" in page and "deliveries: 0" in page
    assert not [secret for secret in secrets if secret in page]
