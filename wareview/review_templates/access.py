"""Who may see or change a review template: the members of its team see it; owners and contributors (those who
write the team's reviews) save and delete. The shape is described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.review_templates.models import ReviewTemplate
from wareview.teams.access import Access, Need, member_row

VIEWER_REFUSAL = "Viewers can use the team's review templates but not change them."


@dataclass(frozen=True, kw_only=True)
class TemplateAccess(Access):
    template: ReviewTemplate


def get_template_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> TemplateAccess:
    """The template `pk` with its team and lens, and the user's role in the team, in one query; Http404 for
    outsiders, PermissionDenied for a role short of `need`."""
    template, role = member_row(
        ReviewTemplate.objects.select_related("team", "lens").filter(pk=pk),
        user,
        memberships="team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    return TemplateAccess(template=template, role=role)
