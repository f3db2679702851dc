"""Read-only pages: the partnership's plans, a whole plan, one objective."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views import View
from django.views.generic import TemplateView

from csp.selectors import coordinated_partnership_ids

from ..models import Plan
from ..rules import plan_is_read_only, update_periods_of
from ..selectors.access import can_change_plan_content
from ..selectors.browse import (
    current_period_for,
    objectives_for_plan_page,
    partnerships_with_plans_for,
    plan_for_page,
)
from ..services.rollover import plan_successor
from .reviews import _pagination as page_numbers
from .reviews import render_item_page

# Objectives per page of the plan page (issue 15): the demo plans (<= 37 objectives) stay one page.
PLAN_PAGE_SIZE = 50


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "plans/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Plans",
            partnerships=partnerships_with_plans_for(self.request.user),
            manages_plans=bool(coordinated_partnership_ids(self.request.user)),
            **kwargs,
        )


class PlanDetailView(LoginRequiredMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = plan_for_page(user=self.request.user, pk=self.kwargs["pk"])
        quarters = list(update_periods_of(plan))
        chosen = self.request.GET.get("period", "")
        period = next((q for q in quarters if str(q.pk) == chosen), None) or current_period_for(plan)
        # Paged: the prefetches run for the page's objectives only; the downloads keep the whole plan.
        page = Paginator(objectives_for_plan_page(plan, period), PLAN_PAGE_SIZE).get_page(self.request.GET.get("page"))
        objectives = list(page.object_list)
        sections = [(section, list(items)) for section, items in groupby(objectives, key=lambda o: o.section)]
        for objective in objectives:
            # The update is shown for its reason, or as a draft in progress beside the status: never as the status.
            objective.period_update = objective.period_updates[0] if objective.period_updates else None
        successor = plan_successor(plan)
        return super().get_context_data(
            page_title=plan.title,
            plan=plan,
            successor=successor,
            read_only=plan_is_read_only(plan),
            can_start_next_year=successor is None
            and plan.status != Plan.Status.DRAFT
            and not plan.is_archived
            and can_change_plan_content(self.request.user, plan.partnership_id),
            period=period,
            quarters=quarters,
            sections=sections,
            objective_count=page.paginator.count,
            page_obj=page,
            pagination=page_numbers(page),
            can_publish=can_change_plan_content(self.request.user, plan.partnership_id),
            may_edit=can_change_plan_content(self.request.user, plan.partnership_id),
            **kwargs,
        )


class ObjectiveDetailView(LoginRequiredMixin, View):
    """One item: the objective, its updates over time, outcome statuses, history, proposals and comments."""

    def get(self, request, pk: int):
        return render_item_page(request, pk=pk)
