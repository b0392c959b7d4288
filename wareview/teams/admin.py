from django.contrib import admin
from django.http import HttpRequest

from wareview.teams.models import Invitation, Membership, Team


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

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
