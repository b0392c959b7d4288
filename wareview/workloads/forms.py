import re
from typing import Any

from django import forms

from wareview.teams.models import Team
from wareview.workloads.models import TAG_MAX_LENGTH, Workload
from wareview.workloads.services import name_taken_message

TAGS_MAX = 20
# A tag's words: letters (any script), digits and the marks that name things (cost-centre:42, team.payments).
TAG_PATTERN = re.compile(r"[\w.:-]+")


def normalized_tags(text: str) -> list[str]:
    """The tags typed as "Payments, PCI DSS, payments": lower case, inner spaces as hyphens, each once, sorted.
    Raises ValidationError naming every tag that cannot be one."""
    names = {re.sub(r"\s+", "-", part.strip().lower()) for part in text.split(",")} - {""}
    too_long = sorted(name for name in names if len(name) > TAG_MAX_LENGTH)
    if too_long:
        raise forms.ValidationError(
            f"A tag has at most {TAG_MAX_LENGTH} characters: “{too_long[0][:TAG_MAX_LENGTH]}…” is longer."
        )
    odd = sorted(name for name in names if not TAG_PATTERN.fullmatch(name))
    if odd:
        raise forms.ValidationError(
            f"“{odd[0]}” is not a tag: use letters, digits, hyphens, dots and colons, and commas between tags."
        )
    if len(names) > TAGS_MAX:
        raise forms.ValidationError(f"A workload has at most {TAGS_MAX} tags; this has {len(names)}.")
    return sorted(names)


class WorkloadForm(forms.ModelForm):
    tags = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Comma-separated, e.g. payments, pci, customer-facing",
    )

    class Meta:
        model = Workload
        fields = ["name", "description", "environment", "regions", "architecture_url", "review_owner", "notes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"architecture_url": "Architecture diagram link"}

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        if self.instance.pk:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clashes = Workload.objects.filter(team=self.team, name__iexact=name).exclude(pk=self.instance.pk)
        if clashes.exists():
            raise forms.ValidationError(name_taken_message(name))
        return name

    def clean_tags(self) -> list[str]:
        return normalized_tags(self.cleaned_data["tags"])
