from django.urls import path

from wareview.profiles import views

app_name = "profiles"

urlpatterns = [
    path("workloads/<int:pk>/profiles/<slug:lens_slug>/", views.workload_profile, name="profile"),
]
