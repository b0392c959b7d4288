from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from wareview.lib.env import LOCAL_EMAIL_BACKENDS

VERIFICATION_CHOICES = {"none", "optional", "mandatory"}


@register(Tags.security, deploy=True)
def check_mail_is_sent(**kwargs: Any) -> list[Warning]:
    if settings.EMAIL_BACKEND not in LOCAL_EMAIL_BACKENDS.values():
        return []
    return [
        Warning(
            "EMAIL_URL sends no mail: password resets and address confirmations only reach the log.",
            hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example.com:587?tls=1 (docs/configuration.md).",
            id="wareview.W010",
        )
    ]


@register()
def check_email_verification(**kwargs: Any) -> list[Error]:
    if settings.ACCOUNT_EMAIL_VERIFICATION in VERIFICATION_CHOICES:
        return []
    return [
        Error(
            f"ACCOUNT_EMAIL_VERIFICATION is {settings.ACCOUNT_EMAIL_VERIFICATION!r}.",
            hint=f"Use one of {', '.join(sorted(VERIFICATION_CHOICES))}.",
            id="wareview.E010",
        )
    ]
