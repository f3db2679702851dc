"""Pages of the review: the chairs' dashboard, decisions on updates and proposals, comments."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views import View

from csp.kept_pages import Parts, kept_for, render_parts, respond
from csp.links import url_of_id
from csp.pagination import page_numbers
from csp.selectors import partnership_ids_visible_to
from priorities.selectors import indicator_summaries_by_objective, objective_indicator_summaries, suggestions_by_period

from ..filters import DEFAULTS, ReviewFilter
from ..forms.reviews import CommentForm, ProposalDecisionForm, ProposalForm, UpdateReviewForm
from ..models import ChangeProposal, Objective, QuarterlyUpdate
from ..rules import overdue_reference_date, plan_is_read_only
from ..selectors.access import (
    LIVE_OBJECTIVE,
    access_change_proposal,
    access_objective,
    access_update,
    can_change_plan_content,
    open_escalations_visible_to,
)
from ..selectors.browse import current_period_for
from ..selectors.reviews import (
    HISTORY_LIMIT,
    ItemPermissions,
    StatusCounts,
    groups_for_meeting_packs,
    item_permissions,
    objective_change_history,
    objective_for_history_page,
    objective_for_item_page,
    objectives_for_review,
    outcome_status_table,
    plan_quarters,
    plans_reviewable_by,
    priorities_addressed_by,
    review_period_for,
    review_rows,
    review_rows_page_prefetch,
    status_counts_by_section,
)
from ..selectors.rollover import objective_years
from ..selectors.status import STATUS_ORDER, PeriodStatus, period_status, update_counts
from ..services.reviews import (
    comment_create,
    proposal_create,
    proposal_decide,
    update_approve,
    update_escalate,
    update_return,
)

PAGE_SIZE = 25
# Parameters that pick the rows behind one number, not the filters the whole page is under.
ROW_PICKERS = ("status", "section", "overdue", "sort", "page")

# The dashboard chart ------------------------------------------------------------------------------------

CHART_LABEL_WIDTH = 220
CHART_BAR_WIDTH = 420
CHART_BAR_HEIGHT = 26
CHART_GAP = 14
STATUS_FILL = {
    PeriodStatus.RED: ("#d4351c", "#ffffff"),
    PeriodStatus.AMBER: ("#ffdd00", "#0b0c0c"),
    PeriodStatus.NO_UPDATE: ("#b1b4b6", "#0b0c0c"),
    PeriodStatus.NO_STATUS: ("#f3f2f1", "#0b0c0c"),
    PeriodStatus.GREEN: ("#00703c", "#ffffff"),
}


@dataclass
class ChartSegment:
    status: str
    label: str
    count: int
    x: float
    width: float
    fill: str
    text_fill: str

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class ChartBar:
    label: str
    y: int
    total: int
    segments: list[ChartSegment]

    @property
    def text_y(self) -> int:
        return self.y + CHART_BAR_HEIGHT // 2 + 5


def status_chart(sections: list[StatusCounts]) -> dict:
    """Geometry of a stacked bar chart (one bar per section), drawn as inline SVG by the template."""
    largest = max((s.total for s in sections), default=0) or 1
    labels = PeriodStatus.LABELS
    bars = []
    for index, section in enumerate(sections):
        x = float(CHART_LABEL_WIDTH)
        segments = []
        for status, _label, count in section.ordered():
            if not count:
                continue
            width = CHART_BAR_WIDTH * count / largest
            fill, text_fill = STATUS_FILL[status]
            segments.append(ChartSegment(status, labels[status], count, x, width, fill, text_fill))
            x += width
        label = section.label if len(section.label) <= 30 else section.label[:28] + "…"
        bars.append(
            ChartBar(label=label, y=index * (CHART_BAR_HEIGHT + CHART_GAP), total=section.total, segments=segments)
        )
    height = max(len(bars), 1) * (CHART_BAR_HEIGHT + CHART_GAP)
    legend = [(labels[s], *STATUS_FILL[s]) for s in STATUS_ORDER]
    return {
        "bars": bars,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50,
        "height": height,
        "bar_height": CHART_BAR_HEIGHT,
        "legend": legend,
        "label_width": CHART_LABEL_WIDTH - 8,
    }


def _filter_data(request: HttpRequest):
    data = request.GET.copy()
    for name, value in DEFAULTS.items():
        if not data.get(name):
            data[name] = value
    return data


class ReviewDashboardView(LoginRequiredMixin, View):
    """For a chair or coordinator: a plan's statuses for one quarter, then the exceptions behind them.

    Kept per person, query string and day under the content versions of the person's partnerships
    (csp/kept_pages.py).
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        parts = kept_for(
            request,
            "review-dashboard",
            partnership_ids=partnership_ids_visible_to(request.user),
            by_query=True,
            build=lambda: render_parts(
                {"content": "plans/review/_dashboard_content.html"}, self._context(), request=request
            ),
        )
        return respond(request, parts)

    def _context(self) -> dict:
        context = {"page_title": "Review"}
        plans = plans_reviewable_by(self.request.user)
        if not plans:
            return {**context, "plans": []}
        plan = self._chosen_plan(plans)
        period = review_period_for(plan, self.request.GET.get("period"))
        base = objectives_for_review(plan=plan, period=period)
        data = _filter_data(self.request)
        filterset = ReviewFilter(data, queryset=base, plan=plan)
        # The counts are under the page's filters but not the row pickers (every status), so each number is a
        # link to exactly the rows it counts: the same filters plus its section and status.
        counted = filterset.qs_without(ROW_PICKERS)
        sections, total = status_counts_by_section(plan=plan, queryset=counted)
        paginator = Paginator(review_rows(filterset.qs, period), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        review_rows_page_prefetch(rows)
        trends = indicator_summaries_by_objective(rows)
        detail_url = url_of_id("plans:objective_detail")  # one reverse for the page's rows
        for row in rows:
            row.indicator_summaries = trends.get(row.pk, [])
            row.detail_url = detail_url(row.pk)
        page.object_list = rows
        return {
            **context,
            "plans": plans,
            "plan": plan,
            "period": period,
            "quarters": plan_quarters(plan),
            "reference_date": overdue_reference_date(period),
            "filterset": filterset,
            "sections": sections,
            "total": total,
            "statuses": [(s, PeriodStatus.label(s)) for s in STATUS_ORDER],
            "overdue_items": total.overdue,  # counted with the statuses, in the same query
            "struck_count": plan.objectives.filter(LIVE_OBJECTIVE, state=Objective.State.STRUCK).count(),
            "chart": status_chart(sections),
            "page_obj": page,
            "list_label": _list_label(filterset),
            "pagination": page_numbers(page),
            "groups": groups_for_meeting_packs(user=self.request.user, partnership_id=plan.partnership_id),
            # The list names each item and board only: no other joins to plan (the query is planned on every view).
            "escalations": list(
                open_escalations_visible_to(self.request.user)
                .filter(objective__plan=plan)
                .select_related(None)
                .select_related("objective", "board")
            ),
        }

    def _chosen_plan(self, plans):
        wanted = self.request.GET.get("plan")
        if not wanted:
            return plans[0]
        for plan in plans:
            if str(plan.pk) == wanted:
                return plan
        raise Http404("No plan you review has this number.")


def _list_label(filterset: ReviewFilter) -> str:
    """Words for what the list shows: its status choice, and 'overdue' when so filtered."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    choices = dict(filterset.filters["status"].extra["choices"])
    label = choices.get(cleaned.get("status") or DEFAULTS["status"], "")
    if cleaned.get("overdue") == "yes":
        label += ", overdue"
    section = cleaned.get("section")
    if section == "none":
        label += ", in no section"
    elif section:
        label += f", in {section}"
    return label


# The item page ------------------------------------------------------------------------------------------


def update_edit_url(objective: Objective, period_id: int | None) -> str:
    """The lead officers' page for an update, if the updates pages are installed."""
    if period_id is None:
        return ""
    try:
        return reverse("plans:update_edit", kwargs={"pk": objective.pk, "period_pk": period_id})
    except NoReverseMatch:
        return ""


def _year_after_this(years: list) -> object | None:
    """The objective's next year (where it continues), if it was carried forward."""
    after = [i + 1 for i, year in enumerate(years) if year.is_this_one and i + 1 < len(years)]
    return years[after[0]] if after else None


def render_item_page(
    request: HttpRequest,
    *,
    pk: int,
    status: int = 200,
    review_forms: dict[int, UpdateReviewForm] | None = None,
    decision_forms: dict[int, ProposalDecisionForm] | None = None,
    comment_form: CommentForm | None = None,
    proposal_form: ProposalForm | None = None,
) -> HttpResponse:
    """The item page, with any bound forms that came back with errors.

    Without them it is kept per person and day under its partnership's content version (csp/kept_pages.py):
    the access rule runs first, so another partnership's item is a 404 before anything kept is read.
    """
    forms = (review_forms, decision_forms, comment_form, proposal_form)
    if any(forms):
        return respond(request, _item_page_parts(request, pk, *forms), status=status)
    objective = access_objective(request.user, pk)
    parts = kept_for(
        request,
        "item-page",
        partnership_ids=[objective.plan.partnership_id],
        key=(pk,),
        build=lambda: _item_page_parts(request, pk),
    )
    return respond(request, parts, status=status)


ITEM_PAGE_PARTS = {
    "breadcrumbs": "plans/_objective_detail_breadcrumbs.html",
    "content": "plans/_objective_detail_content.html",
}


def _item_page_parts(
    request: HttpRequest,
    pk: int,
    review_forms: dict[int, UpdateReviewForm] | None = None,
    decision_forms: dict[int, ProposalDecisionForm] | None = None,
    comment_form: CommentForm | None = None,
    proposal_form: ProposalForm | None = None,
) -> Parts:
    objective = objective_for_item_page(user=request.user, pk=pk)
    plan = objective.plan
    rights = item_permissions(request.user, objective)
    read_only = plan_is_read_only(plan)
    if read_only:
        # The services refuse these writes (plans.rules); the page offers none of them.
        rights = ItemPermissions(review=False, write_update=False)
    years = objective_years(user=request.user, objective=objective)
    updates = list(objective.updates.all())
    review_forms = review_forms or {}
    decision_forms = decision_forms or {}
    for update in updates:
        update.review_form = None
        if rights.review and update.state == QuarterlyUpdate.State.SUBMITTED:
            update.review_form = review_forms.get(update.pk) or UpdateReviewForm(prefix=f"review-{update.pk}")
        update.edit_url = (
            update_edit_url(objective, update.period_id) if rights.write_update and update.is_editable else ""
        )
        update.escalated = any(e.update_id == update.pk for e in objective.escalations.all())
        update.period_status = period_status(update)
        update.counts = update_counts(update)
        update.rag_meaning = plan.partnership.rag_meaning(update.rag_status)
    # Reviewers see the status the outcome's indicator suggested beside the one the lead chose (issue 14).
    suggestions = suggestions_by_period(objective.outcomes.all(), [update.period for update in updates])
    for update in updates:
        for outcome_status in update.outcome_statuses.all():
            outcome_status.suggestion = suggestions.get((outcome_status.outcome_id, update.period_id))
    proposals = list(objective.proposals.all())
    for proposal in proposals:
        proposal.decision_form = None
        if rights.review and proposal.decision == ChangeProposal.Decision.PENDING:
            proposal.decision_form = decision_forms.get(proposal.pk) or ProposalDecisionForm(
                prefix=f"decide-{proposal.pk}"
            )
    current = current_period_for(plan)
    periods, outcome_rows = outcome_status_table(objective)
    forms_with_errors = [
        f for f in (*review_forms.values(), *decision_forms.values(), comment_form, proposal_form) if f
    ]
    context = {
        "page_title": str(objective),
        "objective": objective,
        "plan": plan,
        "addressed_priorities": priorities_addressed_by(objective),
        "rights": rights,
        "updates": updates,
        "latest_update": next((u for u in reversed(updates) if u.counts), None),
        "draft_update": next((u for u in reversed(updates) if not u.counts), None),
        "current_period": current,
        "update_url": update_edit_url(objective, current.pk if current else None) if rights.write_update else "",
        "outcome_periods": periods,
        "outcome_rows": outcome_rows,
        "indicator_summaries": objective_indicator_summaries(objective),
        "proposals": proposals,
        # The options from the updates the page lists (live ones, in period order: objective_for_item_page).
        "comment_form": (comment_form or CommentForm(prefix="comment", objective=objective, listed=updates))
        if rights.comment
        else None,
        "proposal_form": (proposal_form or ProposalForm(prefix="proposal"))
        if rights.propose and not objective.is_struck
        else None,
        "forms_with_errors": forms_with_errors,
        "read_only": read_only,
        # Coordinators change the plan's content (its leads, its milestones' leads) from here.
        "may_edit_plan": not read_only
        and not objective.is_archived
        and can_change_plan_content(request.user, plan.partnership_id),
        "years": years,
        "next_year": _year_after_this(years),
        "has_errors": any(f.errors for f in forms_with_errors),
    }
    return render_parts(ITEM_PAGE_PARTS, context)


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


class UpdateReviewView(LoginRequiredMixin, View):
    """A chair's decision on a submitted update: approve, return with a comment, or escalate."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        update = access_update(request.user, pk)
        form = UpdateReviewForm(request.POST, prefix=f"review-{update.pk}")
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            comment = form.cleaned_data["comment"]
            try:
                if decision == form.APPROVE:
                    update_approve(reviewer=request.user, update=update, comment=comment)
                    done = f"You approved the {update.period} update."
                elif decision == form.RETURN:
                    update_return(reviewer=request.user, update=update, comment=comment)
                    done = f"You returned the {update.period} update to the lead officers. They have been e-mailed."
                else:
                    escalation = update_escalate(reviewer=request.user, update=update, note=comment)
                    when = (
                        escalation.meeting_date.strftime("%-d %B %Y") if escalation.meeting_date else "its next meeting"
                    )
                    done = f"You escalated this item to {escalation.board} for {when}."
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, done)
                return redirect("plans:objective_detail", pk=update.objective_id)
        return render_item_page(request, pk=update.objective_id, status=400, review_forms={update.pk: form})


class CommentCreateView(LoginRequiredMixin, View):
    """Add a comment to an item."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        objective = access_objective(request.user, pk)
        form = CommentForm(request.POST, prefix="comment", objective=objective)
        if form.is_valid():
            try:
                comment_create(
                    author=request.user,
                    objective=objective,
                    text=form.cleaned_data["text"],
                    update=form.cleaned_data["update"],
                )
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, "Your comment has been added.")
                return redirect(reverse("plans:objective_detail", args=[objective.pk]) + "#comments")
        return render_item_page(request, pk=objective.pk, status=400, comment_form=form)


class ProposalCreateView(LoginRequiredMixin, View):
    """A lead officer proposes to strike or change an objective."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        objective = access_objective(request.user, pk)
        form = ProposalForm(request.POST, prefix="proposal")
        if form.is_valid():
            try:
                proposal = proposal_create(proposer=request.user, objective=objective, **form.cleaned_data)
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, f"Your proposal to {proposal.get_kind_display().lower()} is with the chair.")
                return redirect(reverse("plans:objective_detail", args=[objective.pk]) + "#proposals")
        return render_item_page(request, pk=objective.pk, status=400, proposal_form=form)


class ProposalDecideView(LoginRequiredMixin, View):
    """The chair approves or rejects a proposal."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        proposal = access_change_proposal(request.user, pk)
        form = ProposalDecisionForm(request.POST, prefix=f"decide-{proposal.pk}")
        if form.is_valid():
            approve = form.cleaned_data["decision"] == form.APPROVE
            try:
                proposal = proposal_decide(
                    reviewer=request.user, proposal=proposal, approve=approve, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(request, f"You {proposal.get_decision_display().lower()} the proposal.")
                return redirect(reverse("plans:objective_detail", args=[proposal.objective_id]) + "#proposals")
        return render_item_page(request, pk=proposal.objective_id, status=400, decision_forms={proposal.pk: form})


class ObjectiveHistoryView(LoginRequiredMixin, View):
    """Who changed what and when on one objective, its updates, outcome statuses, proposals and escalations.

    Its own page, linked from the item page: the history grows with every save, and the item page is opened far
    more often than its history is read.
    """

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        objective = objective_for_history_page(user=request.user, pk=pk)
        history = objective_change_history(objective)
        return render(
            request,
            "plans/objective_history.html",
            {
                "page_title": f"History of changes: {objective}",
                "objective": objective,
                "plan": objective.plan,
                "history": history,
                "history_limit": HISTORY_LIMIT,
                "history_cut": len(history) >= HISTORY_LIMIT,
            },
        )
