"""Accounts tests: people with passwords and verified addresses, each test from an address of its own.

The sign-in limits count per client address and per account in the shared cache; a fresh address and fresh names
per test keep one test's failures (or a parallel worker's) from counting against another.
"""

import itertools
import os
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from tests.factories import UserFactory

PASSWORD = "a-long-test-password"
_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address no other test (nor another xdist worker) uses: it only ever names the test client."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    number = next(_addresses)
    return f"198.{18 + worker % 2}.{number // 250 % 250}.{number % 250 + 1}"


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR=fresh_address())


@pytest.fixture
def person(db):
    """Someone with an account: a unique name, a password and a verified e-mail address."""
    name = f"ana-{uuid.uuid4().hex[:8]}"
    user = UserFactory(username=name, email=f"{name}@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
