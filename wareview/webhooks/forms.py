from django import forms
from django.conf import settings

from wareview.webhooks.addresses import url_refusal
from wareview.webhooks.models import URL_MAX_LENGTH, Event
from wareview.webhooks.services import WebhookEdit


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
        # Read as the sending reads it (addresses.py); names are looked up at each try, not in this request.
        refusal = url_refusal(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)
        if refusal:
            raise forms.ValidationError(refusal)
        forms.URLField(assume_scheme="https").clean(url)  # a well-formed host, no spaces
        return url

    def edit(self) -> WebhookEdit:
        data = self.cleaned_data
        return WebhookEdit(url=data["url"], events=data["events"], is_active=data["is_active"])
