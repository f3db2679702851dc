"""Account pages of the signed-in user: their API token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views import View
from rest_framework.authtoken.models import Token

from .api.services import api_token_create, api_token_revoke


class ApiTokensView(LoginRequiredMixin, View):
    """Create, replace or revoke your API token; a new token is shown once, on the page that creates it."""

    template_name = "csp/api_tokens.html"

    def render_page(self, request, *, new_key: str | None = None):
        token = Token.objects.filter(user=request.user).first()
        response = render(
            request,
            self.template_name,
            {"page_title": "API tokens", "token": token, "new_key": new_key},
        )
        add_never_cache_headers(response)
        return response

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user):
                messages.success(request, "Your API token is revoked. Scripts using it can no longer sign in.")
            return redirect("csp:api_tokens")
        token = api_token_create(user=request.user)
        return self.render_page(request, new_key=token.key)
