"""Read-only pages: the partnership's plans, a whole plan, one objective."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views import View
from django.views.generic import TemplateView

from csp.kept_pages import kept_for, render_parts, respond
from csp.pagination import page_numbers
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


PLAN_PAGE_PARTS = {"breadcrumbs": "plans/_plan_detail_breadcrumbs.html", "content": "plans/_plan_detail_content.html"}


class PlanDetailView(LoginRequiredMixin, View):
    """A whole plan, 50 objectives a page, with each objective's status in the chosen quarter.

    Kept per person, quarter, page and day under the partnership's content version (csp/kept_pages.py);
    the access rule runs first.
    """

    def get(self, request, pk: int):
        # The access rule for this page (an archived plan is a 404 here), and the plan its header shows.
        plan = plan_for_page(user=request.user, pk=pk)
        chosen, page_number = request.GET.get("period", ""), request.GET.get("page", "")
        parts = kept_for(
            request,
            "plan-page",
            partnership_ids=[plan.partnership_id],
            key=(pk,),
            by_query=True,  # the pagination links carry the whole query string on ({% querystring %})
            build=lambda: render_parts(PLAN_PAGE_PARTS, self._context(plan, chosen, page_number), request=request),
        )
        return respond(request, parts)

    def _context(self, plan: Plan, chosen: str, page_number: str) -> dict:
        quarters = list(update_periods_of(plan))
        period = next((q for q in quarters if str(q.pk) == chosen), None) or current_period_for(plan)
        # Paged: the prefetches run for the page's objectives only; the downloads keep the whole plan.
        page = Paginator(objectives_for_plan_page(plan, period), PLAN_PAGE_SIZE).get_page(page_number)
        objectives = list(page.object_list)
        sections = [(section, list(items)) for section, items in groupby(objectives, key=lambda o: o.section)]
        for objective in objectives:
            # The update is shown for its reason, or as a draft in progress beside the status: never as the status.
            objective.period_update = objective.period_updates[0] if objective.period_updates else None
        successor = plan_successor(plan)
        may_change = can_change_plan_content(self.request.user, plan.partnership_id)
        return {
            "page_title": plan.title,
            "plan": plan,
            "successor": successor,
            "read_only": plan_is_read_only(plan),
            "can_start_next_year": successor is None
            and plan.status != Plan.Status.DRAFT
            and not plan.is_archived
            and may_change,
            "period": period,
            "quarters": quarters,
            "sections": sections,
            "objective_count": page.paginator.count,
            "page_obj": page,
            "pagination": page_numbers(page),
            "can_publish": may_change,
            "may_edit": may_change,
        }


class ObjectiveDetailView(LoginRequiredMixin, View):
    """One item: the objective, its updates over time, outcome statuses, history, proposals and comments."""

    def get(self, request, pk: int):
        return render_item_page(request, pk=pk)
