from django.urls import path

from wareview.api import views

app_name = "tokens"
urlpatterns = [
    path("accounts/api-tokens/", views.token_list, name="list"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
