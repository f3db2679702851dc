"""Pages of plans, objectives, quarterly updates and their review."""

from django.urls import path

from .views import browse

app_name = "plans"
urlpatterns = [
    path("<int:pk>/", browse.PlanDetailView.as_view(), name="plan_detail"),
    path("objectives/<int:pk>/", browse.ObjectiveDetailView.as_view(), name="objective_detail"),
]
