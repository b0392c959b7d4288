from django import forms

from wareview.workloads.models import Workload
from wareview.workloads.services import name_taken_message


class WorkloadForm(forms.ModelForm):
    class Meta:
        model = Workload
        fields = ["name", "description", "environment", "regions", "architecture_url", "review_owner", "notes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clashes = Workload.objects.filter(team=self.team, name__iexact=name).exclude(pk=self.instance.pk)
        if clashes.exists():
            raise forms.ValidationError(name_taken_message(name))
        return name
