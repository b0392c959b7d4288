"""Django's async-unsafe check stays on for every test that does not drive the browser."""

import os


def test_the_async_unsafe_check_is_on_outside_the_browser_tests():
    # The browser fixture switches the check off only while Playwright runs (tests/conftest.py); a test of another
    # module that runs after a browser test in the same process must see it on again.
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
