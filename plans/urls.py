"""Pages of plans, objectives, quarterly updates and their review."""

from django.urls import path

from .views import browse
from .views import leads as lead_views
from .views import reviews as review_views
from .views import updates as update_views

app_name = "plans"
urlpatterns = [
    path("<int:pk>/", browse.PlanDetailView.as_view(), name="plan_detail"),
    path("objectives/<int:pk>/", browse.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("objectives/<int:pk>/leads/", lead_views.ObjectiveLeadsView.as_view(), name="objective_leads"),
    path("my-items/", update_views.MyItemsView.as_view(), name="my_items"),
    path("objectives/<int:pk>/updates/<int:period_pk>/", update_views.UpdateEditView.as_view(), name="update_edit"),
    path("reminders/", update_views.RemindersView.as_view(), name="reminders"),
    path("review/", review_views.ReviewDashboardView.as_view(), name="review_dashboard"),
    path("updates/<int:pk>/review/", review_views.UpdateReviewView.as_view(), name="update_review"),
    path("objectives/<int:pk>/comments/", review_views.CommentCreateView.as_view(), name="comment_create"),
    path("objectives/<int:pk>/proposals/", review_views.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/decide/", review_views.ProposalDecideView.as_view(), name="proposal_decide"),
    path("groups/<int:pk>/meeting-pack/", review_views.MeetingPackView.as_view(), name="meeting_pack"),
]
