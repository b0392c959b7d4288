"""Sign-ins, from Django's own signals: whichever sign-in page or backend is in use sends them."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from wareview.audit.models import Action
from wareview.audit.services import audit_record

# The keys under which sign-in forms hand the name that was typed to `authenticate()`.
LOGIN_NAME_KEYS = ("username", "email", "login")


@receiver(user_logged_in, dispatch_uid="audit_sign_in_succeeded")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(action=Action.SIGN_IN_SUCCEEDED, actor=user, target=user.get_username(), request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django hides the password (and anything else secret-looking) in `credentials` before sending the signal.
    name = next((str(credentials[key]) for key in LOGIN_NAME_KEYS if credentials.get(key)), "")
    audit_record(action=Action.SIGN_IN_FAILED, actor_name=name, target=name, request=request)
