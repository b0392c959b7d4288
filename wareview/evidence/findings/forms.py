"""The "Import findings" form (the page's and the API's): a report file and its format, read whole here, so the
service takes results that are known to be good."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from wareview.evidence.findings.reports import Report, ReportError, ReportFormat, report_read

FORMAT_CHOICES = [("", "Detect from the file"), (ReportFormat.SARIF, "SARIF"), (ReportFormat.JUNIT, "JUnit XML")]


class FindingsImportForm(forms.Form):
    file = forms.FileField(label="Report", allow_empty_file=False)
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit = filesizeformat(settings.EVIDENCE_MAX_BYTES)
        self.fields["file"].help_text = (
            f"A SARIF 2.1.0 file of a code scanner (checkov, tfsec, cfn-lint…) or a JUnit XML file of a test run "
            f"(k6 thresholds…); at most {limit}."
        )
        self.report: Report | None = None  # the report read, once the form is valid

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        upload: UploadedFile | None = cleaned.get("file")
        if self.errors or upload is None:
            return cleaned
        limit = settings.EVIDENCE_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; a report may be at most {filesizeformat(limit)}."
            )
        expected = ReportFormat(cleaned["format"]) if cleaned.get("format") else None
        upload.seek(0)
        try:
            self.report = report_read(data=upload.read(), expected=expected)
        except ReportError as error:
            raise forms.ValidationError(f"This report cannot be read: {error}") from None
        return cleaned
