from django import forms

from wareview.teams.models import Role, Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]


class MemberAddForm(forms.Form):
    identifier = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
