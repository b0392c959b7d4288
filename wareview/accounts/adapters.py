"""How django-allauth behaves in wareview: who may sign up, what a refused sign-in says, how mail failures surface,
and how a person coming from the single sign-on provider is named."""

import logging
import math
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """An e-mail could not be handed to the mail server; the message is meant for the person who asked for it."""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        if code == "too_many_login_attempts":
            minutes = math.ceil(settings.SIGNIN_FAILURE_WINDOW / 60)
            return ValidationError(
                "Too many failed sign-ins for this account. Sign-in is paused: try again in "
                f"{minutes} minute{'s' if minutes != 1 else ''}, or reset your password.",
                code=code,
            )
        return super().validation_error(code, *args)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Count failed sign-ins per account, whichever of its names was typed (its username or any of its
        addresses, in any case), so switching names gives no extra tries; a name of no account counts as typed."""
        email = credentials.get("email")
        if email:
            users = list(filter_users_by_email(email))
        else:
            users = list(filter_users_by_username(credentials.get("username", ""))[:2])
        if len(users) == 1:
            return f"account:{users[0].pk}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("E-mail %s to %s could not be sent: %r", template_prefix, email, error)
            raise MailNotSent(
                "The e-mail could not be sent: the mail server refused it or did not answer. Nothing was sent to "
                f"{email}. Try again in a few minutes; if it keeps failing, tell whoever runs wareview."
            ) from error


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return settings.OIDC_CREATE_ACCOUNTS

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        """Name a new account after the claim OIDC_USERNAME_CLAIM (the part before the @ of an e-mail address)."""
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data
        claims = claims.get("userinfo") or claims.get("id_token") or claims
        name = str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").split("@")[0]
        if name:
            user.username = name
        return user
