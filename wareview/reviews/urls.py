from django.urls import path

from wareview.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("workloads/<int:workload_pk>/reviews/", views.review_start, name="start"),
    path("reviews/<int:pk>/", views.review_overview, name="overview"),
    path("reviews/<int:pk>/close/", views.review_close, name="close"),
    path("reviews/<int:pk>/reopen/", views.review_reopen, name="reopen"),
    path("reviews/<int:pk>/upgrade/<int:lens_pk>/", views.review_upgrade, name="upgrade"),
    path("reviews/<int:pk>/questions/<str:code>/", views.question, name="question"),
    path("reviews/<int:pk>/questions/<str:code>/history/", views.question_history, name="history"),
]
