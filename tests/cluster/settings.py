"""The settings of the cluster test's nodes: the app's own, as production reads them from the environment, except
that static files are served from their folders as found rather than collected.

With DEBUG off the app serves hashed, compressed copies that `collectstatic` makes, which takes most of a minute
on a small machine and would be made once per node. The nodes' pages only name static files, and the PDF renderer
reads `static/` directly, so nothing the cluster test proves depends on them.
"""

from wareview.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
