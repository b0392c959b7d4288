"""Signed-in sessions read their user through wareview's backends (wareview/accounts/backends.py), and sessions
signed in through the backends' former paths stay signed in."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from wareview.accounts.backends import user_by_pk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("former", "now"),
    [
        ("django.contrib.auth.backends.ModelBackend", "wareview.accounts.backends.ModelBackend"),
        ("allauth.account.auth_backends.AuthenticationBackend", "wareview.accounts.backends.AuthenticationBackend"),
    ],
)
def test_a_session_signed_in_through_a_former_backend_stays_signed_in_and_moves_to_today_s(client, cast, former, now):
    client.force_login(cast.viewer, backend=former)

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 200
    assert response.context["user"] == cast.viewer
    assert client.session[BACKEND_SESSION_KEY] == now
    assert client.get(reverse("reviews:dashboard")).status_code == 200


def test_a_session_of_a_backend_never_set_up_is_signed_out(client, cast):
    client.force_login(cast.viewer, backend="django.contrib.auth.backends.RemoteUserBackend")

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_deactivated_person_is_signed_out_on_their_next_request(client, cast):
    client.force_login(cast.viewer)
    cast.viewer.is_active = False
    cast.viewer.save()

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_person_deleted_while_signed_in_is_signed_out(client, cast):
    client.force_login(cast.outsider)
    cast.outsider.delete()

    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_user_is_read_as_the_orm_reads_it(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = user_by_pk(cast.owner.pk)

    assert user is not None
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(cast.owner, field.attname), field.name
    assert user_by_pk(cast.owner.pk + 10_000) is None
