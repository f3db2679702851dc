"""Account pages of the signed-in user: API tokens, two-factor sign-in; and the password reset that clears a lockout."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login

from . import two_factor
from .security import sign_in_attempts_left
from .selectors import landing_url
from .sessions import session_seconds_left, session_touch
from .tokens import api_token_create, api_token_revoke, api_token_validate, api_tokens_of


def _never_cached(response):
    add_never_cache_headers(response)
    return response


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the GOV.UK Design System's error wording."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class LoginView(auth_views.LoginView):
    """Django's sign-in page, landing lead officers on My items (a safe ?next= still wins).

    After a wrong password it warns when one more failure would lock signing in.
    """

    authentication_form = SignInForm

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def form_invalid(self, form):
        username = form.data.get("username", "")
        left = sign_in_attempts_left(self.request, username) if username and form.data.get("password") else None
        response = self.render_to_response(
            self.get_context_data(
                form=form,
                last_attempt=left == 1,
                lockout_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            )
        )
        return _never_cached(response)


class SignedOutView(TemplateView):
    """The confirmation shown after signing out."""

    template_name = "registration/logged_out.html"


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, required=False)
    access = forms.ChoiceField(
        label="What may the token do?",
        choices=[("read_only", "Read only"), ("read_write", "Read and write")],
        required=False,
        initial="read_only",
        error_messages={"invalid_choice": "Choose whether the token may only read, or read and write"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        required=False,
        error_messages={"invalid": "Enter the number of days as a whole number, like 30"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("access") not in ("read_only", "read_write"):
            self.add_error("access", "Choose whether the token may only read, or read and write")
            return cleaned
        errors = api_token_validate(user=self.user, name=cleaned.get("name") or "", days=cleaned.get("days"))
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned


class ApiTokensView(LoginRequiredMixin, View):
    """List, create and revoke your own API tokens; a new token is shown once, on the page that creates it."""

    template_name = "csp/api_tokens.html"

    def render_page(self, request, *, form: ApiTokenForm | None = None, new_secret: str | None = None, status=200):
        form = form or ApiTokenForm(user=request.user, initial={"days": settings.REST_KNOX["TOKEN_TTL"].days})
        context = {
            "page_title": "API tokens",
            "tokens": api_tokens_of(user=request.user),
            "form": form,
            "has_errors": form.is_bound and bool(form.errors),
            "new_secret": new_secret,
            "default_days": settings.REST_KNOX["TOKEN_TTL"].days,
            "max_days": settings.API_TOKEN_MAX_DAYS,
        }
        return _never_cached(render(request, self.template_name, context, status=status))

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user, token_key=request.POST.get("token", "")):
                messages.success(request, "The token is revoked. Scripts using it can no longer sign in.")
            return redirect("csp:api_tokens")
        form = ApiTokenForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(request, form=form, status=400)
        _, secret = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["access"] == "read_only",
            days=form.cleaned_data["days"],
        )
        return self.render_page(request, new_secret=secret)


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=40, required=False)


class TwoFactorVerifyView(LoginRequiredMixin, View):
    """The second step of signing in: a code from the authenticator app or a recovery code."""

    template_name = "registration/two_factor_verify.html"

    def get(self, request):
        if request.user.is_verified() or not two_factor.two_factor_enabled(request.user):
            return redirect(_safe_next(request, landing_url(request.user)))
        return self.render_page(request, TwoFactorCodeForm())

    def render_page(self, request, form, status=200):
        context = {"page_title": "Enter your security code", "form": form, "has_errors": bool(form.errors)}
        context["next"] = _safe_next(request, "")
        return _never_cached(render(request, self.template_name, context, status=status))

    def post(self, request):
        form = TwoFactorCodeForm(request.POST)
        form.is_valid()
        device, problem = two_factor.two_factor_code_check(user=request.user, code=form.cleaned_data.get("code", ""))
        if device is None:
            form.add_error("code", problem)
            return self.render_page(request, form, status=400)
        otp_login(request, device)
        if device.name == two_factor.RECOVERY_DEVICE_NAME:
            left = two_factor.recovery_codes_left(request.user)
            messages.warning(
                request,
                f"You signed in with a recovery code. You have {left} left: get new codes on your two-factor page.",
            )
        return HttpResponseRedirect(_safe_next(request, landing_url(request.user)))


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Set up an authenticator app: a QR code and the secret as text, confirmed with a first code."""

    template_name = "registration/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # Someone who has two factors already must prove the second before replacing it.
        user = request.user
        if user.is_authenticated and not user.is_verified() and two_factor.two_factor_enabled(user):
            return redirect(f"{reverse('csp:two_factor_verify')}?next={reverse('csp:two_factor')}")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, status=200):
        device = two_factor.totp_device_pending(user=request.user)
        context = {
            "page_title": "Set up two-factor sign-in",
            "form": form,
            "has_errors": bool(form.errors),
            "qr_svg": two_factor.totp_qr_svg(device),
            "secret": two_factor.totp_secret_text(device),
            "required": two_factor.two_factor_required_by_role(request.user),
            "next": _safe_next(request, ""),
        }
        return _never_cached(render(request, self.template_name, context, status=status))

    def get(self, request):
        return self.render_page(request, TwoFactorCodeForm())

    def post(self, request):
        form = TwoFactorCodeForm(request.POST)
        form.is_valid()
        device = two_factor.totp_device_pending(user=request.user)
        codes = two_factor.totp_device_confirm(device=device, code=form.cleaned_data.get("code", ""))
        if codes is None:
            form.add_error("code", "The code is not right. Enter the 6-digit code your app shows now")
            return self.render_page(request, form, status=400)
        device.refresh_from_db()
        otp_login(request, device)
        return render_recovery_codes(request, codes, next_url=_safe_next(request, reverse("csp:two_factor")))


def render_recovery_codes(request, codes: list[str], *, next_url: str):
    context = {"page_title": "Your recovery codes", "codes": codes, "next": next_url}
    return _never_cached(render(request, "registration/two_factor_recovery_codes.html", context))


class TwoFactorView(LoginRequiredMixin, View):
    """Your two-factor sign-in: whether it is on, new recovery codes, turning it off where allowed."""

    template_name = "registration/two_factor.html"

    def get(self, request):
        user = request.user
        context = {
            "page_title": "Two-factor sign-in",
            "enabled": two_factor.two_factor_enabled(user),
            "required": two_factor.two_factor_required_by_role(user),
            "codes_left": two_factor.recovery_codes_left(user),
        }
        return _never_cached(render(request, self.template_name, context))

    def post(self, request):
        user = request.user
        if not two_factor.two_factor_enabled(user) or not user.is_verified():
            return redirect("csp:two_factor")
        action = request.POST.get("action")
        if action == "recovery_codes":
            codes = two_factor.recovery_codes_replace(user=user)
            return render_recovery_codes(request, codes, next_url=reverse("csp:two_factor"))
        if action == "turn_off":
            if two_factor.two_factor_required_by_role(user):
                messages.error(request, "Two-factor sign-in is required for coordinators and operators.")
            else:
                two_factor.two_factor_disable(user=user)
                messages.success(request, "Two-factor sign-in is turned off.")
        return redirect("csp:two_factor")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset page; a successful reset also ends a sign-in lockout of that username."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class KeepAliveView(View):
    """'Stay signed in' from the timeout warning: a request that touches the session and says when it now ends."""

    def post(self, request):
        if not request.user.is_authenticated:
            return _never_cached(JsonResponse({"signed_in": False}, status=401))
        # Moved on now, whenever it was last moved (csp/sessions.py moves it at most once a minute).
        session_touch(request.session)
        return _never_cached(JsonResponse({"signed_in": True, "expires_in": session_seconds_left(request.session)}))
