"""Report pages: the list and request form, a job's progress, its PDF, HTML and data downloads."""

from django.urls import path, re_path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="report_status"),
    path("<int:pk>/report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
    path("<int:pk>/report/", views.ReportHtmlView.as_view(), name="report_html"),
    re_path(r"^(?P<pk>[0-9]+)/data\.(?P<fmt>xlsx|csv)$", views.ReportExportView.as_view(), name="report_export"),
    path("<int:pk>/retry/", views.ReportRetryView.as_view(), name="report_retry"),
    path("meeting-pack/<int:pk>/", views.MeetingPackRequestView.as_view(), name="meeting_pack_request"),
]
