from django.urls import path

from wareview.milestones import views

app_name = "milestones"

urlpatterns = [
    path("workloads/<int:workload_pk>/milestones/", views.milestone_create, name="create"),
    path("workloads/<int:workload_pk>/compare/", views.milestone_compare, name="compare"),
    path("milestones/<int:pk>/", views.milestone_overview, name="overview"),
    path("milestones/<int:pk>/questions/<str:code>/", views.milestone_question, name="question"),
]
