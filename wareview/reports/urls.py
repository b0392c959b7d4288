from django.urls import path

from wareview.reports import views

app_name = "reports"

urlpatterns = [
    path("reviews/<int:review_pk>/report/", views.report_page, name="page"),
    path("reviews/<int:review_pk>/report/pdf/", views.pdf_request, name="pdf_request"),
    path("reviews/<int:review_pk>/export.csv", views.export_csv, name="export_csv"),
    path("reviews/<int:review_pk>/export.json", views.export_json, name="export_json"),
    path("reports/<int:pk>/", views.job, name="job"),
    path("reports/<int:pk>/retry/", views.retry, name="retry"),
    path("reports/<int:pk>/download/", views.download, name="download"),
]
