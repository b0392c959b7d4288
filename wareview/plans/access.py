"""Who may see or change an improvement plan: as its review (members read, owners and contributors change, and
nobody changes the plan of a closed review). One query, of the shape described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.plans.models import ImprovementItem
from wareview.reviews.access import refuse_closed
from wareview.teams.access import Access, Need, member_row

VIEWER_REFUSAL = "Viewers can read the improvement plan but not change it."


@dataclass(frozen=True, kw_only=True)
class ItemAccess(Access):
    item: ImprovementItem

    @property
    def can_write(self) -> bool:
        return super().can_write and not self.item.review.is_closed


def get_item_for(user: User | AnonymousUser, review_pk: int, pk: int, *, need: Need = Need.READ) -> ItemAccess:
    """The item `pk` of review `review_pk`, with its review's workload, team and lens and its owner."""
    item, role = member_row(
        ImprovementItem.objects.select_related("review__workload__team", "review__lens", "owner").filter(
            pk=pk, review_id=review_pk
        ),
        user,
        memberships="review__workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    refuse_closed(item.review, need)
    return ItemAccess(item=item, role=role)
