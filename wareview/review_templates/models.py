"""A review template: a named copy of a review's answers that its team reuses to start other reviews."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from wareview.lenses.models import Lens
from wareview.teams.models import Team


class ReviewTemplate(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="review_templates")
    # The lens version the answers were saved from; a review of a later version takes them through the lens's
    # upgrade mapping (`wareview.lenses.mapping`).
    lens = models.ForeignKey(Lens, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    # {question code: {"selected": [...], "not_applicable": bool, "reason": str, "notes": str,
    #                  "practices_not_applicable": {code: {"reason": str, "note": str}}}}
    answers = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint(Lower("name"), "team", name="review_template_unique_name_in_team")]

    def __str__(self) -> str:
        return self.name
