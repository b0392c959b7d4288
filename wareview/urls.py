from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from wareview.api.api import api, unknown_address
from wareview.health.views import healthz

# The admin signs in through the app's own sign-in page: the same failed-sign-in limits and two-factor check.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", unknown_address),
    path("", include("wareview.api.urls")),
    path("accounts/", include("wareview.accounts.urls")),
    path("", include("wareview.reviews.urls")),
    path("", include("wareview.teams.urls")),
    path("", include("wareview.workloads.urls")),
    path("", include("wareview.milestones.urls")),
    path("", include("wareview.evidence.urls")),
    path("", include("wareview.reports.urls")),
    path("", include("wareview.plans.urls")),
    path("", include("wareview.webhooks.urls")),
    path("", include("wareview.portfolio.urls")),
    path("", include("wareview.profiles.urls")),
    path("", include("wareview.review_templates.urls")),
]
