"""A workload's profile: its answers to a lens's profile questions (`lenses.ProfileQuestion`).

One profile per workload and lens slug, so the answers carry over to the lens's next version where its profile
questions keep their codes.
"""

from django.conf import settings
from django.db import models

from wareview.workloads.models import Workload


class WorkloadProfile(models.Model):
    workload = models.ForeignKey(Workload, on_delete=models.CASCADE, related_name="profiles")
    lens_slug = models.SlugField(max_length=100)
    # {profile question code: True/False for a yes/no question, or the chosen option's code}; a question left
    # out is unanswered, and a condition naming it leaves its practices as they are.
    answers = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workload", "lens_slug"], name="workload_profile_unique_lens")]

    def __str__(self) -> str:
        return f"{self.workload} — {self.lens_slug} profile"
