"""The audit log itself: append-only, the owners' page of their team's entries, the admin for staff, pruning."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.teams.test_team_page import SESSION_QUERIES
from wareview.audit.models import Action, AppendOnlyError, AuditEntry
from wareview.audit.services import audit_record
from wareview.audit.tasks import audit_prune_task
from wareview.teams.models import Membership

pytestmark = pytest.mark.django_db


def log_page(client, team, **query):
    return client.get(reverse("teams:audit_log", args=[team.pk]), query)


def record_many(team, number: int) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(action=Action.MEMBER_ADDED, team=team, target=f"member{n:03}", actor_name="olivia")
        for n in range(number)
    )


# Append-only


def test_a_stored_entry_cannot_be_changed_or_deleted(cast):
    entry = audit_record(action=Action.MEMBER_ADDED, actor=cast.owner, team=cast.team, target="vera")
    entry.target = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(target="someone else")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["target"])
    assert AuditEntry.objects.get(pk=entry.pk).target == "vera"


def test_the_admin_shows_entries_read_only_and_deletes_none(client, cast):
    entry = audit_record(action=Action.MEMBER_ADDED, actor=cast.owner, team=cast.team, target="vera")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200
    assert "vera" in listing.content.decode()
    page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_account_keeps_its_entries_under_its_name(cast):
    gone = UserFactory(username="gone")
    audit_record(action=Action.MEMBER_REMOVED, actor=gone, team=cast.team, target="vera")
    gone.delete()
    entry = AuditEntry.objects.get(action=Action.MEMBER_REMOVED)
    assert (entry.actor, entry.actor_name, entry.target) == (None, "gone", "vera")


# The owners' page


def test_owners_see_their_teams_entries_newest_first_with_who_what_and_where(client, cast):
    audit_record(
        action=Action.MEMBER_REMOVED, actor=cast.owner, team=cast.team, target="someone-removed", ip="192.0.2.1"
    )
    audit_record(
        action=Action.MEMBER_ROLE_CHANGED,
        actor=cast.owner,
        team=cast.team,
        target="vera",
        details={"from": "viewer", "to": "owner"},
        ip="192.0.2.2",
    )
    client.force_login(cast.owner)
    body = log_page(client, cast.team).content.decode()
    changed = body.index("Role changed: vera")
    removed = body.index("Member removed: someone-removed")
    assert changed < removed
    row = body[changed:].split("</tr>")[0]
    # PostgreSQL keeps JSON keys in an order of its own.
    assert "from: viewer" in row and "to: owner" in row and "<td>192.0.2.2</td>" in row


def test_the_page_shows_no_other_teams_entries_and_no_sign_ins(client, cast):
    elsewhere = Membership.objects.get(user=cast.outsider).team
    audit_record(action=Action.MEMBER_REMOVED, actor=cast.outsider, team=elsewhere, target="secret-person")
    audit_record(action=Action.SIGN_IN_FAILED, actor_name="intruder", target="intruder")
    client.force_login(cast.owner)
    body = log_page(client, cast.team).content.decode()
    assert "secret-person" not in body and "intruder" not in body


@pytest.mark.parametrize(("role", "status"), [("contributor", 403), ("viewer", 403), ("outsider", 404)])
def test_members_who_are_not_owners_and_outsiders_are_refused_the_log(client, cast, role, status):
    audit_record(action=Action.MEMBER_REMOVED, actor=cast.owner, team=cast.team, target="someone-removed")
    client.force_login(cast.user(role))
    response = log_page(client, cast.team)
    assert response.status_code == status
    assert "someone-removed" not in response.content.decode()


def test_the_team_page_links_owners_to_the_log_and_nobody_else(client, cast):
    url = reverse("teams:audit_log", args=[cast.team.pk])
    client.force_login(cast.owner)
    assert f'href="{url}">Audit log</a>' in client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    client.force_login(cast.viewer)
    assert url not in client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()


def test_the_log_comes_a_page_at_a_time_with_links_between_pages(client, cast):
    record_many(cast.team, 60)
    client.force_login(cast.owner)
    first = log_page(client, cast.team).content.decode()
    assert "Page 1 of 2" in first
    assert 'rel="next">Older entries' in first
    second = log_page(client, cast.team, page=2).content.decode()
    assert 'rel="prev">Newer entries' in second


def test_the_log_takes_the_same_queries_for_a_few_and_many_entries(client, cast, django_assert_num_queries):
    # The user, the team with the owner's role, the count and the page: the names are on the entries.
    queries = 4 + SESSION_QUERIES
    client.force_login(cast.owner)
    log_page(client, cast.team)  # the session is in the cache from here on
    with django_assert_num_queries(queries):
        log_page(client, cast.team)
    record_many(cast.team, 120)
    with django_assert_num_queries(queries):
        assert log_page(client, cast.team, page=2).status_code == 200


# Retention


def make_old(days: int) -> AuditEntry:
    entry = audit_record(action=Action.SIGN_IN_FAILED, actor_name=f"{days}-days-ago")
    # Only a test may move an entry back in time: the manager refuses updates.
    AuditEntry._base_manager.filter(pk=entry.pk).update(when=timezone.now() - timedelta(days=days))
    return entry


def test_pruning_deletes_the_entries_older_than_the_retention_and_keeps_the_rest(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    make_old(31)
    kept = make_old(29)
    call_command("prune_audit")
    assert list(AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)) == [kept]


def test_the_command_takes_another_number_of_days(db, capsys):
    make_old(10)
    kept = make_old(2)
    call_command("prune_audit", "--days", "5")
    assert list(AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)) == [kept]
    assert "Deleted 1 audit entry." in capsys.readouterr().out


def test_the_command_refuses_a_negative_number_of_days(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=re.escape("--days must be 0 or more.")):
        call_command("prune_audit", "--days", "-1")


def test_celery_beat_prunes_every_day_by_default_after_a_year(db):
    assert settings.CELERY_BEAT_SCHEDULE["audit-prune"] == {"task": "audit.prune", "schedule": 24 * 60 * 60}
    assert settings.AUDIT_RETENTION_DAYS == 365
    make_old(366)
    kept = make_old(364)
    audit_prune_task()
    assert list(AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)) == [kept]
