import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wareview.settings")

app = Celery("wareview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
