"""What the evidence tests share: the forms they post and where they look."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wareview.reviews.models import Answer

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def practice_url(review, question: str = "Q_01", practice: str = "q_01_a") -> str:
    return reverse("evidence:practice", args=[review.pk, question, practice])


def link(**changes) -> dict:
    return {
        "url": "https://runbooks.example.com/load",
        "title": "Load-test runbook",
        "note": "",
        "verified_on": "2026-01-05",
    } | changes


def upload(content: bytes, name: str = "evidence.bin", content_type: str = "application/octet-stream") -> dict:
    return {
        "file": SimpleUploadedFile(name, content, content_type=content_type),
        "title": "",
        "note": "",
        "verified_on": date.today().isoformat(),
    }


def answer_of(review, question: str = "Q_01") -> Answer:
    return Answer.objects.get(review=review, question__code=question)
