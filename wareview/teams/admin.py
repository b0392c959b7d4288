from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from wareview.audit.services import client_ip
from wareview.teams.models import Invitation, Membership, Team
from wareview.teams.services import team_delete


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "memberships__user__username"]
    inlines = [MembershipInline]

    # Deleting here goes through the service, which records the team and each of its workloads in the audit log.
    # Only signed-in staff reach the admin site: `request.user` is an account.
    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        team_delete(team=obj, by=cast(User, request.user), ip=client_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Team]) -> None:
        for team in queryset:
            team_delete(team=team, by=cast(User, request.user), ip=client_ip(request))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations, for operators: read-only, since only an owner's invitation mails the link (which is not
    stored)."""

    list_display = ["email", "team", "role", "status", "sent_at", "invited_by", "accepted_by"]
    list_filter = ["status", "role"]
    list_select_related = ["team", "invited_by", "accepted_by"]
    search_fields = ["email", "team__name"]
    exclude = ["token_hash"]
    readonly_fields = ["team", "email", "role", "status", "invited_by", "sent_at", "accepted_by", "closed_at"]

    def has_add_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False
