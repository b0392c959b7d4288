from django.urls import path

from wareview.plans import views

app_name = "plans"

urlpatterns = [
    path("reviews/<int:review_pk>/plan/", views.plan, name="plan"),
    path("reviews/<int:review_pk>/plan.csv", views.plan_csv, name="csv"),
    path("reviews/<int:review_pk>/plan/items/<int:pk>/", views.item, name="item"),
    path("my-items/", views.my_items, name="mine"),
]
