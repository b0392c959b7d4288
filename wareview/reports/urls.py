from django.urls import path

from wareview.reports import views

app_name = "reports"

urlpatterns = [
    path("workloads/<int:workload_pk>/report/", views.workload_page, name="workload_page"),
    path("workloads/<int:workload_pk>/report/pdf/", views.workload_pdf_request, name="workload_pdf_request"),
    path("portfolio/report/pdf/", views.portfolio_pdf_request, name="portfolio_pdf_request"),
    path("reviews/<int:review_pk>/report/", views.report_page, name="page"),
    path("reviews/<int:review_pk>/report/pdf/", views.pdf_request, name="pdf_request"),
    path("reviews/<int:review_pk>/export.csv", views.export_csv, name="export_csv"),
    path("reviews/<int:review_pk>/export.json", views.export_json, name="export_json"),
    path("milestones/<int:milestone_pk>/report/", views.milestone_page, name="milestone_page"),
    path("milestones/<int:milestone_pk>/report/pdf/", views.milestone_pdf_request, name="milestone_pdf_request"),
    path("milestones/<int:milestone_pk>/export.csv", views.milestone_export_csv, name="milestone_export_csv"),
    path("milestones/<int:milestone_pk>/export.json", views.milestone_export_json, name="milestone_export_json"),
    path("reports/<int:pk>/", views.job, name="job"),
    path("reports/<int:pk>/retry/", views.retry, name="retry"),
    path("reports/<int:pk>/download/", views.download, name="download"),
    path("reports/portfolio/<int:pk>/", views.portfolio_job, name="portfolio_job"),
    path("reports/portfolio/<int:pk>/retry/", views.portfolio_retry, name="portfolio_retry"),
    path("reports/portfolio/<int:pk>/download/", views.portfolio_download, name="portfolio_download"),
]
