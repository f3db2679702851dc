"""People and roles of a partnership, for its coordinators: list, invite, change roles, remove, deactivate.

Each view parses input, calls one selector or service from csp/people.py, and renders. Another
partnership's pages are 404; a member who is not its coordinator gets 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .audit import partnerships_coordinated_by
from .forms_people import ROLE_HINTS, InviteForm, MembershipForm, RoleFilterForm, add_service_errors
from .models import Role
from .people import (
    InviteStatus,
    groups_chaired,
    invitation_resend,
    invite_status,
    invite_token_generator,
    is_operator,
    membership_in_partnership,
    membership_remove,
    memberships_of_partnership,
    partnership_for_people,
    roles_set,
    user_deactivate,
    user_invite,
)
from .views_account import PasswordResetConfirmView


def _people_url(partnership) -> str:
    return reverse("coordinator:people", args=[partnership.pk])


def _role_choices(form) -> list[dict]:
    chosen = set(form["roles"].value() or [])
    return [
        {"value": value, "label": label, "hint": ROLE_HINTS[value], "checked": value in chosen}
        for value, label in Role.choices
    ]


class PeopleHomeView(LoginRequiredMixin, View):
    """The navigation's 'People' link: the first partnership the user coordinates."""

    def get(self, request):
        partnership = partnerships_coordinated_by(request.user).first()
        if partnership is None:
            raise Http404("You coordinate no partnership.")
        return redirect(_people_url(partnership))


class PeopleListView(LoginRequiredMixin, View):
    """The partnership's members: name, e-mail, roles, last sign-in, status; filtered by role."""

    def get(self, request, pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        form = RoleFilterForm(request.GET or None)
        role = form.cleaned_data["role"] if form.is_bound and form.is_valid() else ""
        members = [
            {
                "membership": membership,
                "status": InviteStatus.LABELS[invite_status(membership.user)],
                "status_value": invite_status(membership.user),
                "roles": [grant.get_role_display() for grant in membership.roles.all()],
            }
            for membership in memberships_of_partnership(partnership=partnership, role=role or None)
        ]
        return render(
            request,
            "csp/people/list.html",
            {
                "page_title": f"People: {partnership}",
                "partnership": partnership,
                "form": form,
                "has_errors": form.is_bound and bool(form.errors),
                "members": members,
                "role": role,
            },
            status=400 if form.is_bound and form.errors else 200,
        )


class InviteView(LoginRequiredMixin, View):
    """Invite someone by e-mail, with their roles, person, group and agency."""

    template_name = "csp/people/invite.html"

    def _render(self, request, partnership, form, status=200):
        context = {
            "page_title": f"Invite someone: {partnership}",
            "partnership": partnership,
            "form": form,
            "has_errors": form.is_bound and bool(form.errors),
            "role_choices": _role_choices(form),
            "invite_days": settings.CSP_INVITE_DAYS,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        return self._render(request, partnership, InviteForm(partnership=partnership))

    def post(self, request, pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        form = InviteForm(request.POST, partnership=partnership)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = user_invite(
                    partnership=partnership,
                    email=data["email"],
                    name=data["name"],
                    roles=data["roles"],
                    person=data["person"],
                    group=data["group"],
                    agency=data["agency"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                user = invitation.membership.user
                messages.success(request, f"{user.get_full_name() or user.email} is invited: an e-mail is on its way.")
                return redirect(_people_url(partnership))
        return self._render(request, partnership, form, status=400)


class MembershipView(LoginRequiredMixin, View):
    """One member: their roles, linked person, chaired group and agency, to change."""

    template_name = "csp/people/member.html"

    def _render(self, request, partnership, membership, form, status=200):
        user = membership.user
        context = {
            "page_title": f"{user.get_full_name() or user.get_username()}: {partnership}",
            "partnership": partnership,
            "membership": membership,
            "member": user,
            "status": InviteStatus.LABELS[invite_status(user)],
            "is_invited": invite_status(user) == InviteStatus.INVITED,
            "is_operator": is_operator(user),
            "chaired": groups_chaired(membership=membership),
            "form": form,
            "has_errors": form.is_bound and bool(form.errors),
            "role_choices": _role_choices(form),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk: int, membership_pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        membership = membership_in_partnership(partnership=partnership, pk=membership_pk)
        chaired = groups_chaired(membership=membership)
        form = MembershipForm(
            partnership=partnership,
            initial={
                "roles": sorted(membership.role_set),
                "person": membership.person_id,
                "group": chaired[0].pk if chaired else None,
                "agency": membership.agency_id,
            },
        )
        return self._render(request, partnership, membership, form)

    def post(self, request, pk: int, membership_pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        membership = membership_in_partnership(partnership=partnership, pk=membership_pk)
        form = MembershipForm(request.POST, partnership=partnership)
        if form.is_valid():
            data = form.cleaned_data
            try:
                roles_set(
                    membership=membership,
                    roles=data["roles"],
                    person=data["person"],
                    group=data["group"],
                    agency=data["agency"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Roles saved.")
                return redirect(reverse("coordinator:member", args=[partnership.pk, membership.pk]))
        return self._render(request, partnership, membership, form, status=400)


class _ConfirmView(LoginRequiredMixin, View):
    """A confirmation page (GET) and the change (POST)."""

    template_name = "csp/people/confirm.html"
    heading = ""
    button = ""
    explanation = ""

    def _render(self, request, partnership, membership, error: str = "", status=200):
        user = membership.user
        name = user.get_full_name() or user.get_username()
        return render(
            request,
            self.template_name,
            {
                "page_title": f"{self.heading.format(name=name)}: {partnership}",
                "partnership": partnership,
                "membership": membership,
                "heading": self.heading.format(name=name),
                "explanation": self.explanation.format(name=name, partnership=partnership),
                "button": self.button,
                "error": error,
            },
            status=status,
        )

    def get(self, request, pk: int, membership_pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        membership = membership_in_partnership(partnership=partnership, pk=membership_pk)
        return self._render(request, partnership, membership)

    def post(self, request, pk: int, membership_pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        membership = membership_in_partnership(partnership=partnership, pk=membership_pk)
        try:
            message = self.act(request, membership)
        except ValidationError as error:
            return self._render(request, partnership, membership, error=" ".join(error.messages), status=400)
        messages.success(request, message)
        return redirect(_people_url(partnership))

    def act(self, request, membership) -> str:
        raise NotImplementedError


class RemoveMembershipView(_ConfirmView):
    heading = "Remove {name} from the partnership?"
    explanation = (
        "{name} will lose every role in {partnership} and will no longer see it. Their account stays, "
        "with any other partnership they belong to. The removal is kept in the audit trail."
    )
    button = "Remove from the partnership"

    def act(self, request, membership) -> str:
        name = membership.user.get_full_name() or membership.user.get_username()
        membership_remove(membership=membership, by=request.user)
        return f"{name} is removed from the partnership."


class DeactivateView(_ConfirmView):
    heading = "Deactivate {name}'s account?"
    explanation = (
        "{name} will no longer be able to sign in, and their API tokens stop working. If they also belong "
        "to a partnership you do not coordinate, their account stays and they are only removed from {partnership}."
    )
    button = "Deactivate the account"

    def act(self, request, membership) -> str:
        name = membership.user.get_full_name() or membership.user.get_username()
        result = user_deactivate(membership=membership, by=request.user)
        if result.deactivated:
            return f"{name}'s account is deactivated."
        return f"{name} also belongs to another partnership, so their account stays: they are removed from this one."


class ResendInvitationView(LoginRequiredMixin, View):
    """Send the invitation e-mail again, with a fresh link."""

    def post(self, request, pk: int, membership_pk: int):
        partnership = partnership_for_people(user=request.user, pk=pk)
        membership = membership_in_partnership(partnership=partnership, pk=membership_pk)
        try:
            invitation_resend(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The invitation is sent again, with a new link.")
        return redirect(reverse("coordinator:member", args=[partnership.pk, membership.pk]))


class InviteAcceptView(PasswordResetConfirmView):
    """The invitation link: choose a password (Django's reset confirmation with the invitation's own token)."""

    template_name = "csp/people/set_password.html"
    token_generator = invite_token_generator

    def get_success_url(self):
        messages.success(self.request, "Your password is set. Sign in with your e-mail address and your new password.")
        return reverse("login")
