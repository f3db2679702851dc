"""Coordinator pages of a partnership: audit trail, archived records, people and roles."""

from django.urls import path

from . import views_people
from .views_audit import ArchivedRecordsView, AuditHomeView, PartnershipAuditView, RestoreRecordView

app_name = "coordinator"
urlpatterns = [
    path("audit/", AuditHomeView.as_view(), name="audit_home"),
    path("<int:pk>/audit/", PartnershipAuditView.as_view(), name="audit"),
    path("<int:pk>/archived/", ArchivedRecordsView.as_view(), name="archived"),
    path(
        "<int:pk>/archived/<str:model_label>/<int:record_pk>/restore/",
        RestoreRecordView.as_view(),
        name="restore",
    ),
    path("people/", views_people.PeopleHomeView.as_view(), name="people_home"),
    path("<int:pk>/people/", views_people.PeopleListView.as_view(), name="people"),
    path("<int:pk>/people/invite/", views_people.InviteView.as_view(), name="people_invite"),
    path("<int:pk>/people/<int:membership_pk>/", views_people.MembershipView.as_view(), name="member"),
    path(
        "<int:pk>/people/<int:membership_pk>/remove/",
        views_people.RemoveMembershipView.as_view(),
        name="member_remove",
    ),
    path(
        "<int:pk>/people/<int:membership_pk>/deactivate/",
        views_people.DeactivateView.as_view(),
        name="member_deactivate",
    ),
    path(
        "<int:pk>/people/<int:membership_pk>/resend/",
        views_people.ResendInvitationView.as_view(),
        name="member_resend",
    ),
]
