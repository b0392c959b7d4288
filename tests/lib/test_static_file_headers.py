"""Static files, answered by WhiteNoise before the rest of the middleware, carry the headers every page has."""

import pytest
from django.test import Client

from wareview.lib.headers import PERMISSIONS_POLICY


@pytest.fixture
def served_static(settings, tmp_path):
    """The files of static/ as `collectstatic` leaves them for WhiteNoise in production."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    return Client()


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/app.js"])
def test_a_static_file_carries_the_permissions_and_content_security_policies(served_static, path):
    response = served_static.get(path)
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
