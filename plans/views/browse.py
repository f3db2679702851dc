"""Read-only pages: the partnership's plans, a whole plan, one objective."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from ..selectors import objective_get_for_user
from ..selectors.browse import current_period_for, objectives_for_plan_page, partnerships_with_plans_for, plan_for_page


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "plans/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Plans", partnerships=partnerships_with_plans_for(self.request.user), **kwargs
        )


class PlanDetailView(LoginRequiredMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = plan_for_page(user=self.request.user, pk=self.kwargs["pk"])
        period = current_period_for(plan)
        objectives = list(objectives_for_plan_page(plan, period))
        sections = [(section, list(items)) for section, items in groupby(objectives, key=lambda o: o.section)]
        for objective in objectives:
            objective.period_update = objective.period_updates[0] if objective.period_updates else None
        return super().get_context_data(
            page_title=plan.title,
            plan=plan,
            period=period,
            sections=sections,
            objective_count=len(objectives),
            **kwargs,
        )


class ObjectiveDetailView(LoginRequiredMixin, TemplateView):
    template_name = "plans/objective_detail.html"

    def get_context_data(self, **kwargs):
        objective = objective_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(page_title=str(objective), objective=objective, plan=objective.plan, **kwargs)
