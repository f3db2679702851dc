"""Indicator pages, under /indicators/."""

from django.urls import path

from . import views_indicators as views

app_name = "indicators"
urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="list"),
    path("upload/", views.ReadingsUploadView.as_view(), name="upload"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="detail"),
    path("<int:pk>/targets/", views.IndicatorTargetsView.as_view(), name="targets"),
]
