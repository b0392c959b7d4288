from django.urls import path

from wareview.workloads import views

app_name = "workloads"

urlpatterns = [
    path("teams/<int:team_pk>/workloads/new/", views.workload_create, name="create"),
    path("workloads/<int:pk>/", views.workload_detail, name="detail"),
    path("workloads/<int:pk>/edit/", views.workload_edit, name="edit"),
    path("workloads/<int:pk>/delete/", views.workload_delete, name="delete"),
]
