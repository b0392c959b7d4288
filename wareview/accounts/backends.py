"""The sign-in backends: Django's (username and password) and allauth's (e-mail address, single sign-on), each
reading the signed-in person's user row more cheaply.

Every request of a signed-in person loads their user (`django.contrib.auth.get_user` → `backend.get_user`).
Through `User.objects.get(pk=…)` the ORM built the same statement again on every request, at several times the
CPU of running it; these backends run the statement the ORM built once and make the user from its row, with the
conversions the ORM makes. Sessions signed in through a backend's former path are moved to these
by `middleware.AuthenticationMiddleware`.
"""

import functools

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import User
from django.db import connection


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id) -> User | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    get_user = ModelBackend.get_user


def user_by_pk(pk) -> User | None:
    """The user whose primary key is `pk`, or None: what `User.objects.filter(pk=pk).first()` reads, converted
    from the database as the ORM converts it."""
    user_model: type[User] = get_user_model()
    fields = user_model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(_user_statement(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for field, value in zip(fields, row, strict=True):
        col = field.get_col(user_model._meta.db_table)
        for convert in [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]:
            value = convert(value, col, connection)
        values.append(value)
    return user_model.from_db(connection.alias, [field.attname for field in fields], values)


@functools.cache
def _user_statement() -> str:
    """`User.objects.get(pk=…)`'s statement (every concrete field, in the model's order), its one parameter left
    open."""
    sql, params = get_user_model()._default_manager.filter(pk=0).query.sql_with_params()
    assert params == (0,), "the statement takes the primary key as its only parameter"
    return sql
