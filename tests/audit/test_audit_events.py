"""Each event the audit log keeps: the entry names who did it, what, to what, in which team, and from where."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory, build_lens
from tests.lenses.test_interchange import a_lens, as_text
from wareview.audit.models import Action, AuditEntry
from wareview.lenses.models import Lens
from wareview.reports.models import Report
from wareview.teams.models import Invitation, Membership, Role, Team, token_hash

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def last(action: Action) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("when", "pk")


def signed_in(client, user):
    client.force_login(user)
    return client


def a_lens_file() -> bytes:
    return as_text(a_lens(name="Audited lens")).encode()


def test_changing_a_role_is_recorded_with_who_what_and_the_address(client, cast):
    viewer = Membership.objects.get(team=cast.team, user=cast.viewer)
    signed_in(client, cast.owner).post(
        reverse("teams:member_update", args=[cast.team.pk, viewer.pk]), {"role": "contributor"}, REMOTE_ADDR=ADDRESS
    )
    entry = last(Action.MEMBER_ROLE_CHANGED)
    assert (entry.actor, entry.actor_name, entry.team, entry.target) == (cast.owner, "olivia", cast.team, "vera")
    assert entry.details == {"from": "viewer", "to": "contributor"}
    assert entry.ip_address == ADDRESS


def test_removing_a_member_is_recorded(client, cast):
    viewer = Membership.objects.get(team=cast.team, user=cast.viewer)
    signed_in(client, cast.owner).post(
        reverse("teams:member_remove", args=[cast.team.pk, viewer.pk]), REMOTE_ADDR=ADDRESS
    )
    entry = last(Action.MEMBER_REMOVED)
    assert (entry.actor, entry.team, entry.target, entry.ip_address) == (cast.owner, cast.team, "vera", ADDRESS)
    assert entry.details == {"role": "viewer"}


def test_a_refused_change_records_nothing(client, cast):
    owner = Membership.objects.get(team=cast.team, user=cast.owner)
    signed_in(client, cast.owner).post(reverse("teams:member_remove", args=[cast.team.pk, owner.pk]))
    assert not AuditEntry.objects.filter(action=Action.MEMBER_REMOVED).exists()


def test_creating_a_team_records_its_first_owner(client):
    user = UserFactory(username="ana")
    signed_in(client, user).post(reverse("teams:list"), {"name": "Platform"}, REMOTE_ADDR=ADDRESS)
    entry = last(Action.MEMBER_ADDED)
    assert (entry.actor, entry.team.name, entry.target, entry.ip_address) == (user, "Platform", "ana", ADDRESS)
    assert entry.details == {"role": "owner", "how": "created the team"}


def test_sending_resending_and_revoking_an_invitation_are_recorded(client, cast, mailoutbox):
    signed_in(client, cast.owner)
    client.post(
        reverse("teams:invitation_create", args=[cast.team.pk]),
        {"email": "newbie@example.com", "role": "viewer"},
        REMOTE_ADDR=ADDRESS,
    )
    invitation = Invitation.objects.get()
    client.post(reverse("teams:invitation_resend", args=[cast.team.pk, invitation.pk]), REMOTE_ADDR=ADDRESS)
    client.post(reverse("teams:invitation_revoke", args=[cast.team.pk, invitation.pk]), REMOTE_ADDR=ADDRESS)
    for action in (Action.INVITATION_SENT, Action.INVITATION_RESENT, Action.INVITATION_REVOKED):
        entry = last(action)
        assert (entry.actor, entry.team, entry.target, entry.ip_address) == (
            cast.owner,
            cast.team,
            "newbie@example.com",
            ADDRESS,
        ), action
    assert last(Action.INVITATION_SENT).details == {"role": "viewer", "e-mail sent": True}


def test_accepting_an_invitation_records_the_acceptance_and_the_new_member(client, cast):
    Invitation.objects.create(team=cast.team, email="newbie@example.com", role=Role.VIEWER, token_hash=token_hash("t"))
    newbie = UserFactory(username="newbie", email="newbie@example.com")
    signed_in(client, newbie).post(reverse("teams:invitation_accept", args=["t"]), REMOTE_ADDR=ADDRESS)
    accepted, added = last(Action.INVITATION_ACCEPTED), last(Action.MEMBER_ADDED)
    assert (accepted.actor, accepted.team, accepted.target, accepted.ip_address) == (
        newbie,
        cast.team,
        "newbie@example.com",
        ADDRESS,
    )
    assert (added.actor, added.team, added.target, added.details["role"]) == (newbie, cast.team, "newbie", "viewer")


def test_deleting_a_workload_is_recorded(client, cast):
    signed_in(client, cast.owner).post(reverse("workloads:delete", args=[cast.workload.pk]), REMOTE_ADDR=ADDRESS)
    entry = last(Action.WORKLOAD_DELETED)
    assert (entry.actor, entry.team, entry.target, entry.ip_address) == (cast.owner, cast.team, "Checkout", ADDRESS)
    assert entry.details == {"reviews": 1}


def test_downloading_a_report_is_recorded(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(review=cast.review, requested_by=cast.owner, status=Report.Status.READY)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    response = signed_in(client, cast.viewer).get(reverse("reports:download", args=[report.pk]), REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    entry = last(Action.REPORT_DOWNLOADED)
    assert (entry.actor, entry.team, entry.ip_address) == (cast.viewer, cast.team, ADDRESS)
    assert entry.target == f"Checkout: {report.download_name()}"


def staff(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    return signed_in(client, admin), admin


def test_importing_a_lens_in_the_admin_is_recorded(client):
    client, admin = staff(client)
    upload = SimpleUploadedFile("lens.json", a_lens_file(), content_type="application/json")
    response = client.post(reverse("admin:lenses_lens_import"), {"file": upload, "slug": ""}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302, response.content.decode()
    entry = last(Action.LENS_IMPORTED)
    assert (entry.actor, entry.team, entry.target, entry.ip_address) == (
        admin,
        None,
        "Audited lens (audited-lens v1)",
        ADDRESS,
    )


def test_importing_a_lens_from_the_command_line_is_recorded_without_an_actor(tmp_path):
    path = tmp_path / "lens.json"
    path.write_bytes(a_lens_file())
    call_command("import_lens", str(path))
    entry = last(Action.LENS_IMPORTED)
    assert (entry.actor, entry.actor_name, entry.ip_address) == (None, "", None)


def test_publishing_a_lens_in_the_admin_is_recorded(client):
    client, admin = staff(client)
    draft = build_lens(status=Lens.Status.DRAFT)
    client.post(
        reverse("admin:lenses_lens_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        REMOTE_ADDR=ADDRESS,
    )
    entry = last(Action.LENS_PUBLISHED)
    assert (entry.actor, entry.ip_address) == (admin, ADDRESS)
    assert entry.target == f"{draft.name} ({draft.slug} v1)"


def test_signing_in_is_recorded(client):
    user = UserFactory(username="ana")
    client.post(reverse("login"), {"login": "ana", "password": "a-long-test-password"}, REMOTE_ADDR=ADDRESS)
    entry = last(Action.SIGN_IN_SUCCEEDED)
    assert (entry.actor, entry.actor_name, entry.team, entry.ip_address) == (user, "ana", None, ADDRESS)


def test_a_failed_sign_in_is_recorded_with_the_name_tried_and_never_the_password(client):
    UserFactory(username="ana")
    response = client.post(reverse("login"), {"login": "ana", "password": "wrong-guess"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    entry = last(Action.SIGN_IN_FAILED)
    assert (entry.actor, entry.actor_name, entry.target, entry.ip_address) == (None, "ana", "ana", ADDRESS)
    assert "wrong-guess" not in json.dumps(entry.details)


@pytest.mark.parametrize(
    ("proxy_declared", "forwarded", "recorded"),
    [
        (False, "198.51.100.1", ADDRESS),  # no proxy: any client could write the header
        (True, "198.51.100.1, 10.0.0.2", "198.51.100.1"),  # the first hop, behind the declared proxy
        (True, "not-an-address", ADDRESS),  # a forged value gives way to the connection's address
        (True, "", ADDRESS),
    ],
)
def test_the_address_comes_from_x_forwarded_for_only_behind_a_declared_proxy(
    client, settings, proxy_declared, forwarded, recorded
):
    if proxy_declared:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    else:
        settings.SECURE_PROXY_SSL_HEADER = None
    UserFactory(username="ana")
    client.post(
        reverse("login"),
        {"login": "ana", "password": "a-long-test-password"},
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR=forwarded,
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert last(Action.SIGN_IN_SUCCEEDED).ip_address == recorded


def test_deleting_a_team_in_the_admin_records_the_team_and_each_of_its_workloads(client, cast):
    client, admin = staff(client)
    response = client.post(
        reverse("admin:teams_team_delete", args=[cast.team.pk]), {"post": "yes"}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    team_entry = last(Action.TEAM_DELETED)
    assert (team_entry.actor, team_entry.target, team_entry.ip_address) == (admin, "Payments", ADDRESS)
    assert team_entry.details == {"members": 3, "workloads": 1}
    workload_entry = last(Action.WORKLOAD_DELETED)
    assert (workload_entry.actor, workload_entry.target) == (admin, "Checkout")
    assert workload_entry.details == {"reviews": 1, "with_the_team": True}
    assert team_entry.team is None  # the team is gone; its entries stay


def test_deleting_teams_from_the_admin_list_records_each_one(client, cast):
    client, _admin = staff(client)
    client.post(
        reverse("admin:teams_team_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(Team.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not Team.objects.exists()
    deleted = sorted(entry.target for entry in AuditEntry.objects.filter(action=Action.TEAM_DELETED))
    assert deleted == ["Elsewhere", "Payments"]


def test_deleting_a_workload_in_the_admin_is_recorded(client, cast):
    client, admin = staff(client)
    client.post(reverse("admin:workloads_workload_delete", args=[cast.workload.pk]), {"post": "yes"})
    entry = last(Action.WORKLOAD_DELETED)
    assert (entry.actor, entry.target, entry.details) == (admin, "Checkout", {"reviews": 1})
