"""Accounts under /accounts/: django-allauth's pages, with the login and logout names the rest of the app uses."""

from allauth.account import views as allauth_views
from django.urls import include, path

from wareview.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("password/reset/", views.password_reset, name="account_reset_password"),
    path("", include("allauth.urls")),
]
