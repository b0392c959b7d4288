from django.urls import path

from wareview.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("teams/<int:team_pk>/webhooks/", views.webhook_list, name="list"),
    path("teams/<int:team_pk>/webhooks/new/", views.webhook_create, name="create"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="detail"),
    path("webhooks/<int:pk>/edit/", views.webhook_update, name="update"),
    path("webhooks/<int:pk>/rotate-secret/", views.webhook_rotate_secret, name="rotate_secret"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="delete"),
    path("webhooks/deliveries/<int:pk>/send-again/", views.delivery_resend, name="delivery_resend"),
]
