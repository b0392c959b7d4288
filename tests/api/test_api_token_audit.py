"""Making and revoking an API token goes into the audit log (for staff, in the admin: tokens belong to no team),
with who, which token and from where, and never the token's secret or its hash."""

import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from wareview.api.models import ApiToken, Scope
from wareview.api.services import token_create
from wareview.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


def everything_recorded() -> str:
    """Every field of every entry, as text: where a secret must never turn up."""
    return json.dumps(list(AuditEntry.objects.values()), default=str)


def test_making_a_token_is_recorded_with_its_name_scope_and_first_characters_but_never_its_secret(client, cast):
    client.force_login(cast.owner)
    response = client.post(
        reverse("tokens:list"), {"name": "CI pipeline", "scope": "read_write", "days": "30"}, REMOTE_ADDR=ADDRESS
    )
    secret = response.context["new_token"].secret
    token = ApiToken.objects.get(user=cast.owner)
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    assert (entry.actor, entry.actor_name, entry.team, entry.target) == (cast.owner, "olivia", None, "CI pipeline")
    assert entry.details == {
        "token": token.pk,
        "starts": token.prefix,
        "scope": "read_write",
        "expires": token.expires_at.date().isoformat(),
    }
    assert entry.ip_address == ADDRESS
    recorded = everything_recorded()
    assert secret not in recorded and secret.removeprefix("wrv_") not in recorded
    assert token.secret_hash not in recorded


def test_revoking_a_token_is_recorded_once(client, cast):
    new = token_create(user=cast.owner, name="leaked", scope=Scope.READ, days=30)
    client.force_login(cast.owner)
    client.post(reverse("tokens:revoke", args=[new.token.pk]), REMOTE_ADDR=ADDRESS)
    client.post(reverse("tokens:revoke", args=[new.token.pk]), REMOTE_ADDR=ADDRESS)  # already revoked
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_REVOKED)
    assert (entry.actor, entry.target, entry.ip_address) == (cast.owner, "leaked", ADDRESS)
    assert entry.details == {"token": new.token.pk, "starts": new.token.prefix}
    assert new.secret not in everything_recorded()


def test_a_refused_token_form_or_someone_elses_token_records_nothing(client, cast):
    new = token_create(user=cast.owner, name="ci", scope=Scope.READ, days=30)
    client.force_login(cast.contributor)
    assert client.post(reverse("tokens:list"), {"name": "", "scope": "admin", "days": "9"}).status_code == 400
    assert client.post(reverse("tokens:revoke", args=[new.token.pk])).status_code == 404
    tokens = AuditEntry.objects.filter(action__startswith="api_token.")
    assert list(tokens.values_list("action", "actor_name")) == [("api_token.created", "olivia")]


def test_staff_see_the_token_entries_in_the_admin_without_the_secret(client, cast):
    new = token_create(user=cast.owner, name="Nightly export", scope=Scope.READ, days=7)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:audit_auditentry_changelist"), {"action": "api_token.created"})
    page = listing.content.decode()
    assert "Nightly export" in page and "API token made" in page
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_CREATED)
    shown = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).content.decode()
    assert new.token.prefix in shown and new.secret not in shown
