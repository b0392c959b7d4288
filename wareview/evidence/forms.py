"""The "Add evidence" form: a link or a file, a note and the day it was verified. Every check and its message is
here; `services.evidence_add` trusts what the form cleans."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import magic
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from wareview.evidence.models import (
    MAX_AGE_LIMIT_DAYS,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Evidence,
)

# The types an evidence file may have, as libmagic reads them from the file's first bytes, with their words. The
# type a browser or a file name claims is never trusted; HTML and SVG (which a browser would run) are refused.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "text/csv": "CSV",
    "application/json": "JSON",
    "text/plain": "text",
}
# libmagic decides with these first bytes; more only slows the check down.
SNIFF_BYTES = 8192


def sniffed_type(upload: UploadedFile) -> str:
    """The file's type as its first bytes tell (libmagic), never as its name or the browser claim."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return magic.from_buffer(head, mime=True)


class HttpUrlField(forms.URLField):
    """A web address: http or https only (no javascript:, data:, file: or ftp: links on a page people click)."""

    default_error_messages = {"invalid": "Enter a web address (http or https)."}
    default_validators = [URLValidator(schemes=["http", "https"], message=default_error_messages["invalid"])]


@dataclass(frozen=True, kw_only=True)
class EvidenceInput:
    """A checked item of evidence, as the services take it."""

    kind: str
    title: str
    url: str
    upload: UploadedFile | None
    content_type: str
    note: str
    verified_on: date


class EvidenceForm(forms.Form):
    url = HttpUrlField(label="Link", required=False, max_length=URL_MAX_LENGTH, assume_scheme="https")
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=TITLE_MAX_LENGTH,
        help_text="Needed for a link; a file's name by default.",
    )
    file = forms.FileField(label="File", required=False, allow_empty_file=False)
    note = forms.CharField(label="Note (optional)", required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)
    verified_on = forms.DateField(label="Verified on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content_type = ""  # the sniffed type of a file that passed `clean_file`
        self.fields["verified_on"].initial = timezone.localdate
        self.fields[
            "file"
        ].help_text = f"PDF, PNG, JPEG, CSV, JSON or text; at most {filesizeformat(settings.EVIDENCE_MAX_BYTES)}."

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        limit = settings.EVIDENCE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; evidence files may be at most {filesizeformat(limit)}."
            )
        found = sniffed_type(upload)
        if found not in ALLOWED_TYPES:
            raise forms.ValidationError(
                f"This file is {found}, which evidence cannot be: give a PDF, a PNG or JPEG image, or a CSV, JSON "
                "or text file."
            )
        self.content_type = found
        return upload

    def clean_verified_on(self) -> date:
        verified_on = self.cleaned_data["verified_on"]
        if verified_on > timezone.localdate():
            raise forms.ValidationError("Verified on cannot be a day in the future.")
        return verified_on

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        url, upload = cleaned.get("url"), cleaned.get("file")
        if self.errors:
            return cleaned
        if url and upload:
            raise forms.ValidationError("Give a link or a file, not both: add them as two items.")
        if not url and not upload:
            raise forms.ValidationError("Give a link or choose a file.")
        if url and not cleaned.get("title"):
            self.add_error("title", "Give the link a title.")
        return cleaned

    def evidence_input(self) -> EvidenceInput:
        """The cleaned item (call after `is_valid()`)."""
        data = self.cleaned_data
        upload = data["file"]
        return EvidenceInput(
            kind=Evidence.Kind.FILE if upload else Evidence.Kind.LINK,
            title=data["title"] or ((upload.name or "")[:TITLE_MAX_LENGTH] if upload else ""),
            url=data["url"] or "",
            upload=upload,
            content_type=self.content_type if upload else "",
            note=data["note"],
            verified_on=data["verified_on"],
        )


class EvidencePolicyForm(forms.Form):
    max_age_days = forms.IntegerField(
        label="Evidence expires after (days)",
        min_value=1,
        max_value=MAX_AGE_LIMIT_DAYS,
        help_text="A practice whose latest evidence was verified longer ago than this shows “Evidence expired”.",
    )
