"""Who may see or change evidence: as for the answer it belongs to, every member of the review's team reads it,
owners and contributors add and remove it, and a closed review is read-only. The helper's shape is described in
`wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.evidence.models import Evidence
from wareview.reviews.access import ANSWER_MEMBERSHIPS, VIEWER_REFUSAL, refuse_closed
from wareview.teams.access import Access, Need, member_row


@dataclass(frozen=True, kw_only=True)
class EvidenceAccess(Access):
    evidence: Evidence


def get_evidence_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> EvidenceAccess:
    """The evidence item `pk` (not removed) with its answer, question and review, in one query; Http404 for
    outsiders and for a removed item, PermissionDenied short of `need` or for a change to a closed review."""
    evidence, role = member_row(
        Evidence.objects.current().select_related("answer__question", "answer__review").filter(pk=pk),
        user,
        memberships=f"answer__{ANSWER_MEMBERSHIPS}",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    refuse_closed(evidence.answer.review, need)
    return EvidenceAccess(evidence=evidence, role=role)
