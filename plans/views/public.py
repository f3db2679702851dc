"""The public summary of a plan, and the coordinator's page that publishes or withdraws it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from ..selectors.access import access_plan
from ..selectors.public import public_plan, public_summary
from ..services.public import plan_public_summary_publish, plan_public_summary_withdraw


def public_url(plan) -> str:
    return reverse("public_plan", args=[plan.partnership.slug, plan.pk])


class PublicPlanView(View):
    """Anyone may read a published summary; no sign-in, no names, no notes."""

    def get(self, request, partnership_slug: str, pk: int):
        plan = public_plan(partnership_slug=partnership_slug, pk=pk)
        context = public_summary(plan) | {"page_title": f"{plan.title}: {plan.partnership.name}", "public_page": True}
        return render(request, "plans/public/plan.html", context)


class PublicSummarySettingsView(LoginRequiredMixin, View):
    """A coordinator publishes the plan's public summary, or takes it down."""

    def get(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        return render(
            request,
            "plans/public/settings.html",
            {"page_title": f"Public summary: {plan.title}", "plan": plan, "public_url": public_url(plan)},
        )

    def post(self, request, pk: int):
        plan = access_plan(request.user, pk, for_change=True)
        if request.POST.get("action") == "withdraw":
            plan_public_summary_withdraw(plan=plan)
            messages.success(request, "The public summary is withdrawn: its address no longer shows the plan.")
        else:
            plan = plan_public_summary_publish(plan=plan)
            messages.success(
                request, f"The public summary is published at {request.build_absolute_uri(public_url(plan))}"
            )
        return redirect(reverse("plans:public_summary_settings", args=[plan.pk]))
