"""The OpenAPI schema and the browsable docs page, served under the site's Content-Security-Policy."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_loads_with_every_endpoint_and_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "wareview API"
    assert "/api/v1/reviews/{review_id}/answers/{code}" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    put = schema["paths"]["/api/v1/reviews/{review_id}/answers/{code}"]["put"]
    assert {"200", "400", "401", "403", "404", "409", "413"} <= set(put["responses"])


def test_the_docs_page_loads_its_scripts_and_styles_from_the_site_itself(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "cdn" not in page.lower()
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in page
        assert finders.find(asset), asset
