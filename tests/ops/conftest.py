"""Backup tests store their files in a folder of their own."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """This process's stored files go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
