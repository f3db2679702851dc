"""Account pages of the signed-in user: API tokens and two-factor sign-in."""

from django.urls import path

from .views_account import ApiTokensView, KeepAliveView, TwoFactorSetupView, TwoFactorVerifyView, TwoFactorView

app_name = "csp"
urlpatterns = [
    path("api-tokens/", ApiTokensView.as_view(), name="api_tokens"),
    path("two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("keep-alive/", KeepAliveView.as_view(), name="keep_alive"),
    path("two-factor/verify/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
]
