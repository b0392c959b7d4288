from django.urls import path

from wareview.evidence import views
from wareview.evidence.findings import views as findings_views

app_name = "evidence"

urlpatterns = [
    path(
        "reviews/<int:pk>/questions/<str:code>/practices/<str:practice>/evidence/",
        views.practice_evidence,
        name="practice",
    ),
    path("evidence/<int:pk>/file/", views.evidence_file, name="file"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="remove"),
    path("teams/<int:team_pk>/evidence/", views.team_policy, name="team_policy"),
    path("reviews/<int:pk>/findings/", findings_views.review_findings, name="findings"),
]
