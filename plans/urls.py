"""Pages of plans, objectives, quarterly updates and their review."""

from django.urls import path

from .views import browse, editor
from .views import escalations as escalation_views
from .views import evidence as evidence_views
from .views import export as export_views
from .views import importing as import_views
from .views import inbox as inbox_views
from .views import leads as lead_views
from .views import meetings as meeting_views
from .views import public as public_views
from .views import reviews as review_views
from .views import rollover as rollover_views
from .views import updates as update_views

app_name = "plans"
urlpatterns = [
    path("<int:pk>/", browse.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/export/", export_views.PlanExportView.as_view(), name="plan_export"),
    path("<int:pk>/public-summary/", public_views.PublicSummarySettingsView.as_view(), name="public_summary_settings"),
    path("<int:pk>/start-next-year/", rollover_views.PlanStartNextYearView.as_view(), name="plan_start_next_year"),
    path("objectives/<int:pk>/", browse.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("objectives/<int:pk>/history/", review_views.ObjectiveHistoryView.as_view(), name="objective_history"),
    path("objectives/<int:pk>/leads/", lead_views.ObjectiveLeadsView.as_view(), name="objective_leads"),
    path("milestones/<int:pk>/leads/", lead_views.MilestoneLeadsView.as_view(), name="milestone_leads"),
    path("my-items/", update_views.MyItemsView.as_view(), name="my_items"),
    path("objectives/<int:pk>/updates/<int:period_pk>/", update_views.UpdateEditView.as_view(), name="update_edit"),
    path("reminders/", update_views.RemindersView.as_view(), name="reminders"),
    path("review/inbox/", inbox_views.ReviewInboxView.as_view(), name="review_inbox"),
    path("review/", review_views.ReviewDashboardView.as_view(), name="review_dashboard"),
    path("updates/<int:pk>/review/", review_views.UpdateReviewView.as_view(), name="update_review"),
    path("updates/<int:pk>/evidence/", evidence_views.EvidenceView.as_view(), name="update_evidence"),
    path("evidence/<int:pk>/download/", evidence_views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/remove/", evidence_views.EvidenceRemoveView.as_view(), name="evidence_remove"),
    path("objectives/<int:pk>/comments/", review_views.CommentCreateView.as_view(), name="comment_create"),
    path("objectives/<int:pk>/proposals/", review_views.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/decide/", review_views.ProposalDecideView.as_view(), name="proposal_decide"),
    path("groups/<int:pk>/meeting-pack/", meeting_views.CurrentMeetingPackView.as_view(), name="meeting_pack"),
    path("groups/<int:pk>/meetings/", meeting_views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meeting_views.MeetingPackView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/decisions/", meeting_views.MeetingDecisionView.as_view(), name="meeting_decide"),
    path("meetings/<int:pk>/actions/", meeting_views.ActionItemCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/", meeting_views.ActionItemEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/done/", meeting_views.ActionItemDoneView.as_view(), name="action_done"),
    # The plan editor (coordinators).
    path("manage/", editor.ManagePlansView.as_view(), name="manage"),
    path("new/", editor.PlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/edit/", editor.PlanEditorView.as_view(), name="editor"),
    path("<int:pk>/settings/", editor.PlanSettingsView.as_view(), name="plan_settings"),
    path("<int:pk>/check/", editor.PlanCheckView.as_view(), name="plan_check"),
    path("<int:pk>/sections/new/", editor.SectionFormView.as_view(), name="section_create"),
    path("sections/<int:section_pk>/edit/", editor.SectionFormView.as_view(), name="section_edit"),
    path("sections/<int:section_pk>/move/", editor.SectionMoveView.as_view(), name="section_move"),
    path("<int:pk>/objectives/new/", editor.ObjectiveFormView.as_view(), name="objective_create"),
    path("objectives/<int:objective_pk>/edit/", editor.ObjectiveFormView.as_view(), name="objective_edit"),
    path("objectives/<int:objective_pk>/move/", editor.ObjectiveMoveView.as_view(), name="objective_move"),
    path("objectives/<int:objective_pk>/strike/", editor.ObjectiveStrikeView.as_view(), name="objective_strike"),
    path("objectives/<int:objective_pk>/archive/", editor.ObjectiveArchiveView.as_view(), name="objective_archive"),
    # Importing a plan from Word or Excel (coordinators).
    path("import/", import_views.ImportStartView.as_view(), name="import_start"),
    path("import/<int:pk>/columns/", import_views.ImportColumnsView.as_view(), name="import_columns"),
    path("import/<int:pk>/preview/", import_views.ImportPreviewView.as_view(), name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"),
    path("escalations/", escalation_views.EscalationListView.as_view(), name="escalation_list"),
    path("escalations/<int:pk>/resolve/", escalation_views.EscalationResolveView.as_view(), name="escalation_resolve"),
]
