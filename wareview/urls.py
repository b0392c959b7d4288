from django.contrib import admin
from django.urls import include, path

from wareview.health.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("wareview.reviews.urls")),
    path("", include("wareview.teams.urls")),
    path("", include("wareview.workloads.urls")),
    path("", include("wareview.milestones.urls")),
    path("", include("wareview.reports.urls")),
    path("", include("wareview.plans.urls")),
    path("", include("wareview.audit.urls")),
]
