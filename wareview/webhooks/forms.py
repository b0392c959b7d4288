from urllib.parse import urlsplit

from django import forms

from wareview.webhooks.models import URL_MAX_LENGTH, Event
from wareview.webhooks.services import WebhookEdit

SCHEME_REFUSAL = "Enter an http:// or https:// address; a webhook cannot be sent to {scheme}: addresses."


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Payload URL",
        max_length=URL_MAX_LENGTH,
        help_text="Where wareview POSTs each event, as JSON. Use https:// for anything outside your own network.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/wareview"}),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
    is_active = forms.BooleanField(
        label="Enabled", required=False, initial=True, help_text="A disabled webhook is sent nothing."
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            if not scheme:
                raise forms.ValidationError("Enter a full address, starting with https:// or http://.")
            raise forms.ValidationError(SCHEME_REFUSAL.format(scheme=scheme[:20]))
        forms.URLField(assume_scheme="https").clean(url)  # a host, a valid port, no spaces
        return url

    def edit(self) -> WebhookEdit:
        data = self.cleaned_data
        return WebhookEdit(url=data["url"], events=data["events"], is_active=data["is_active"])
