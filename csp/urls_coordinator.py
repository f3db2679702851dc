"""Coordinator pages of a partnership: audit trail and archived records."""

from django.urls import path

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
]
