from django.urls import path

from wareview.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("portfolio/", views.portfolio, name="page"),
    path("portfolio/export.csv", views.portfolio_csv, name="csv"),
]
