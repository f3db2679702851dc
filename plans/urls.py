"""Pages of plans, objectives, quarterly updates and their review."""

from django.urls import path

from .views import browse
from .views import updates as update_views

app_name = "plans"
urlpatterns = [
    path("<int:pk>/", browse.PlanDetailView.as_view(), name="plan_detail"),
    path("objectives/<int:pk>/", browse.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("my-items/", update_views.MyItemsView.as_view(), name="my_items"),
    path("objectives/<int:pk>/updates/<int:period_pk>/", update_views.UpdateEditView.as_view(), name="update_edit"),
    path("reminders/", update_views.RemindersView.as_view(), name="reminders"),
]
