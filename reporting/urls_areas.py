"""Area pages: the list of areas a user reads, each area's dashboard and its area summary request."""

from django.urls import path

from . import views_areas

app_name = "areas"
urlpatterns = [
    path("", views_areas.AreaListView.as_view(), name="list"),
    path("<slug:slug>/", views_areas.AreaDashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/report/", views_areas.AreaReportView.as_view(), name="report"),
]
