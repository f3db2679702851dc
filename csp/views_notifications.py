"""The signed-in user's notifications page and how they want them e-mailed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from .models import NotificationPreference
from .notifications import delivery_of, notification_preference_set, notifications_mark_read, notifications_of

PAGE_SIZE = 50


class MarkReadForm(forms.Form):
    """Mark one notification read (its id), or every one when no id is given."""

    notification = forms.IntegerField(required=False, min_value=1)


class GovukRadios(forms.RadioSelect):
    """Radios whose field id is the first radio's, so the error summary's link lands on it."""

    def id_for_label(self, id_, index=None):
        return id_ if index in (None, "0", 0) else f"{id_}-{index}"


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How do you want notifications e-mailed?",
        choices=NotificationPreference.Delivery.choices,
        widget=GovukRadios,
        error_messages={
            "required": "Choose how you want to be e-mailed",
            "invalid_choice": "Choose one of the options",
        },
    )


class NotificationsView(LoginRequiredMixin, View):
    """Your notifications, newest first; mark one or all read."""

    def get(self, request):
        page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "csp/notifications.html",
            {"page_title": "Notifications", "page": page, "notifications": list(page.object_list)},
        )

    def post(self, request):
        form = MarkReadForm(request.POST)
        if form.is_valid():
            one = form.cleaned_data["notification"]
            count = notifications_mark_read(user=request.user, ids=[one] if one else None)
            messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read.")
        return redirect("csp:notifications")


class NotificationPreferenceView(LoginRequiredMixin, View):
    """Choose an e-mail per notification or a daily digest."""

    def _render(self, request, form, status=200):
        return render(
            request,
            "csp/notification_preferences.html",
            {"page_title": "Notification e-mails", "form": form, "has_errors": bool(form.errors), "forms": [form]},
            status=status,
        )

    def get(self, request):
        return self._render(request, PreferenceForm(initial={"delivery": delivery_of(request.user)}))

    def post(self, request):
        form = PreferenceForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        preference = notification_preference_set(user=request.user, delivery=form.cleaned_data["delivery"])
        messages.success(request, f"Notification e-mails: {preference.get_delivery_display().lower()}.")
        return redirect("csp:notifications")
