"""The sign-in backends: Django's (username and password) and allauth's (e-mail address, single sign-on), each
reading the signed-in person's user row more cheaply.

Every request of a signed-in person loads their user (`django.contrib.auth.get_user` → `backend.get_user`).
Through `User.objects.get(pk=…)` the ORM built the same statement again on every request, at several times the
CPU of running it; these backends run the statement the ORM built once and make the user from its row, with the
conversions the ORM makes. Sessions signed in through a backend's former path are moved to these
by `middleware.AuthenticationMiddleware`.
"""

import functools
from collections.abc import Callable

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id) -> User | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    get_user = ModelBackend.get_user


def user_by_pk(pk) -> User | None:
    """The user whose primary key is `pk`, or None: what `User.objects.filter(pk=pk).first()` reads, converted
    from the database as the ORM converts it."""
    database = connections[DEFAULT_DB_ALIAS]
    statement, names, conversions = _user_read(database)
    with database.cursor() as cursor:
        cursor.execute(statement, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, convert in conversions:
        values[index] = convert(values[index], column, database)
    return get_user_model().from_db(DEFAULT_DB_ALIAS, names, values)


@functools.lru_cache(maxsize=64)  # a few threads each
def _user_read(database: BaseDatabaseWrapper) -> tuple[str, list[str], list[tuple[int, Col, Callable]]]:
    """For one connection (each thread has its own): `User.objects.get(pk=…)`'s statement, every concrete field
    in the model's order with its one parameter left open; the fields' names; and the conversions the ORM would
    make to their values, as (column index, column, converter)."""
    user_model = get_user_model()
    sql, params = user_model._default_manager.filter(pk=0).query.sql_with_params()
    assert params == (0,), "the statement takes the primary key as its only parameter"
    fields = user_model._meta.concrete_fields
    conversions = []
    for index, field in enumerate(fields):
        column = field.get_col(user_model._meta.db_table)
        for convert in [*database.ops.get_db_converters(column), *column.get_db_converters(database)]:
            conversions.append((index, column, convert))
    return sql, [field.attname for field in fields], conversions
