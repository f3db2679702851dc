"""Pages of priorities (coordinators)."""

from django.urls import path

from . import views

app_name = "priorities"
urlpatterns = [
    path("new/", views.PriorityFormView.as_view(), name="priority_create"),
    path("<int:pk>/edit/", views.PriorityFormView.as_view(), name="priority_edit"),
]
