from django.urls import path

from wareview.review_templates import views

app_name = "review_templates"

urlpatterns = [
    path("reviews/<int:pk>/save-as-template/", views.template_save, name="save"),
    path("teams/<int:team_pk>/review-templates/", views.template_list, name="list"),
    path("review-templates/<int:pk>/delete/", views.template_delete, name="delete"),
    path("workloads/<int:workload_pk>/reviews/start-from/", views.review_start_from, name="start"),
    path("reviews/<int:pk>/questions/<str:code>/confirm/", views.confirm, name="confirm"),
]
