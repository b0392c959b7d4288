"""What the API answers before any endpoint runs: a method an address does not take is a 405 in JSON with words
and `Allow`, and an address that names no endpoint a JSON 404; never an HTML page, CSRF's included (a client
that checks CSRF as a browser does stands in for a script)."""

import pytest
from django.test import Client

from tests.api.conftest import API
from tests.api.test_api_access_matrix import MATRIX
from wareview.api.api import api

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
JSON = "application/json; charset=utf-8"


def endpoint_methods() -> dict[str, list[str]]:
    """Each path of the API's schema with the methods it takes, in the order they are named."""
    paths = api.get_openapi_schema()["paths"]
    return {
        path.removeprefix(API): [method for method in METHODS if method.lower() in methods]
        for path, methods in paths.items()
    }


def wrong_methods() -> list[tuple[str, str]]:
    return [
        (path, method)
        for path, methods in sorted(endpoint_methods().items())
        for method in METHODS
        if method not in methods
    ]


@pytest.fixture
def browser_like():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(("path", "method"), wrong_methods())
@pytest.mark.parametrize("role", ["owner", "anonymous"])
def test_a_method_an_endpoint_does_not_take_is_405_json_with_allow(browser_like, tokens, walk_cast, path, method, role):
    """Every path of the schema and every method it lacks, with a token and without: the method is wrong
    whoever asks."""
    methods = endpoint_methods()[path]
    url = API + MATRIX[f"{methods[0]} {path}"][0](walk_cast)
    headers = {"Authorization": f"Bearer {tokens['owner']}"} if role == "owner" else {}
    response = browser_like.generic(method, url, "{}", content_type="application/json", headers=headers)
    assert response.status_code == 405, response.content[:200]
    assert response["Content-Type"] == JSON
    assert response["Allow"] == ", ".join(methods)
    taken = methods[0] if len(methods) == 1 else f"{', '.join(methods[:-1])} or {methods[-1]}"
    assert response.json() == {"message": f"{method} is not allowed at {url.split('?')[0]}; it takes {taken}."}


def test_a_wrong_method_changes_nothing(browser_like, tokens, cast):
    headers = {"Authorization": f"Bearer {tokens['owner']}"}
    response = browser_like.put(f"{API}/workloads/{cast.workload.pk}", '{"name": "Renamed"}', headers=headers)
    assert (response.status_code, response["Allow"]) == (405, "GET, PATCH, DELETE")
    cast.workload.refresh_from_db()
    assert cast.workload.name == "Checkout"


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_the_schema_and_docs_take_get_only(browser_like, path, method):
    response = browser_like.generic(method, API + path)
    assert (response.status_code, response["Content-Type"], response["Allow"]) == (405, JSON, "GET")
    assert response.json() == {"message": f"{method} is not allowed at {API}{path}; it takes GET."}
    assert browser_like.get(API + path).status_code == 200


@pytest.mark.parametrize("path", ["/", "/no/such/thing", "/workloads/1/nothing", "/lenses/"])
@pytest.mark.parametrize("method", METHODS)
def test_an_address_that_names_no_endpoint_is_404_json_whatever_the_method(browser_like, path, method):
    response = browser_like.generic(method, API + path, "{}", content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (404, JSON)
    assert response.json() == {"message": f"There is no API endpoint at {API}{path}."}
