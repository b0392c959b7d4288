"""The sign-in backends: Django's (username and password) and allauth's (e-mail address, single sign-on), each
reading the signed-in person's user row more cheaply.

Every request of a signed-in person loads their user (`django.contrib.auth.get_user` → `backend.get_user`).
Through `User.objects.get(pk=…)` the ORM built the same statement again on every request, at several times the
CPU of running it; these backends run the statement the ORM built once, through `raw()`, which makes the user
from its row with the same conversions. Sessions signed in through a backend's former path are moved to these
by `middleware.AuthenticationMiddleware`.
"""

import functools

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import User


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id) -> User | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    get_user = ModelBackend.get_user


def user_by_pk(pk) -> User | None:
    """The user whose primary key is `pk`, or None: what `User.objects.filter(pk=pk).first()` reads."""
    user_model: type[User] = get_user_model()
    return next(iter(user_model._default_manager.raw(_user_statement(), [pk])), None)


@functools.cache
def _user_statement() -> str:
    """`User.objects.get(pk=…)`'s statement, with its one parameter left open."""
    sql, params = get_user_model()._default_manager.filter(pk=0).query.sql_with_params()
    assert params == (0,), "the statement takes the primary key as its only parameter"
    return sql
