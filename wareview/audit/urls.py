from django.urls import path

from wareview.audit import views

app_name = "audit"

urlpatterns = [
    path("teams/<int:pk>/audit/", views.team_log, name="team_log"),
]
