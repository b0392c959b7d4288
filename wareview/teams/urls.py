from django.urls import path

from wareview.teams import views

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/<int:pk>/", views.team_detail, name="detail"),
    path("teams/<int:pk>/members/", views.member_add, name="member_add"),
    path("teams/<int:pk>/members/<int:member_pk>/", views.member_update, name="member_update"),
    path("teams/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
]
