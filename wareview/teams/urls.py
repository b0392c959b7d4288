from django.urls import path

from wareview.teams import views

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/<int:pk>/", views.team_detail, name="detail"),
    path("teams/<int:pk>/audit/", views.team_audit_log, name="audit_log"),
    path("teams/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path("teams/<int:pk>/invitations/<int:invitation_pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("teams/<int:pk>/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("teams/<int:pk>/members/<int:member_pk>/", views.member_update, name="member_update"),
    path("teams/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
]
