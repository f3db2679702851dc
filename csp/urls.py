"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from csp.security import csp_update
from csp.views_account import LoginView, PasswordResetConfirmView, SignedOutView
from plans.views.browse import HomeView
from plans.views.public import PublicPlanView

# The API documentation pages (third-party) set inline styles; their scripts stay from files only.
api_docs_policy = csp_update(style_src=["'unsafe-inline'"], worker_src=["'self'", "blob:"])

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # Before Django's own: a successful reset also clears a sign-in lockout (csp.views_account).
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/signed-out/", SignedOutView.as_view(), name="signed_out"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("plans/", include("plans.urls")),
    path("priorities/", include("priorities.urls")),
    path("reports/", include("reporting.urls")),
    path("areas/", include("reporting.urls_areas")),
    path("indicators/", include("priorities.urls_indicators")),
    path("public/<slug:partnership_slug>/plans/<int:pk>/", PublicPlanView.as_view(), name="public_plan"),
    path("account/", include("csp.urls_account")),
    path("partnerships/", include("csp.urls_coordinator")),
    path("api/", include("csp.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/schema/swagger-ui/",
        api_docs_policy(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path("api/schema/redoc/", api_docs_policy(SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    path("admin/", admin.site.urls),
    path("health/", include("csp.urls_health")),
]

# GOV.UK pages for people, JSON under /api/ (csp/errors.py); an oversized body is a 413, not a 400 or 500.
handler400 = "csp.errors.bad_request"
handler403 = "csp.errors.permission_denied"
handler404 = "csp.errors.page_not_found"
handler500 = "csp.errors.server_error"
