"""A workload is what a team reviews: an application or system, in one environment, with tags to find it by."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from wareview.teams.models import Team

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Environment(models.TextChoices):
    PRODUCTION = "production", "Production"
    PRE_PRODUCTION = "pre_production", "Pre-production"
    OTHER = "other", "Other"


class WorkloadQuerySet(models.QuerySet["Workload"]):
    def for_user(self, user: "User") -> "WorkloadQuerySet":
        return self.filter(team__memberships__user=user)


class Workload(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="workloads")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    environment = models.CharField(max_length=20, choices=Environment.choices, default=Environment.PRODUCTION)
    regions = models.CharField(max_length=300, blank=True, help_text="Comma-separated, e.g. eu-west-1, us-east-1")
    architecture_url = models.URLField("architecture design link", max_length=2048, blank=True)
    review_owner = models.CharField(max_length=120, blank=True, help_text="Who answers for this review")
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkloadQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), "team", name="workload_unique_name_in_team"),
        ]

    def __str__(self) -> str:
        return self.name


TAG_MAX_LENGTH = 40


class WorkloadTag(models.Model):
    """A tag of a workload, normalized (lower case, words joined by hyphens; see `forms.normalized_tags`).

    A row per tag rather than a comma-separated column: the portfolio filters on a tag with an indexed equality
    on `name`, the same on PostgreSQL and SQLite, and a tag can never be half-matched ("pay" in "payments")."""

    workload = models.ForeignKey(Workload, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workload", "name"], name="workload_tag_unique")]
        indexes = [models.Index(fields=["name", "workload"], name="workload_tag_name")]

    def __str__(self) -> str:
        return self.name
