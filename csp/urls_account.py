"""Account pages of the signed-in user: API tokens and two-factor sign-in."""

from django.urls import path

from .views_account import ApiTokensView, TwoFactorSetupView, TwoFactorVerifyView, TwoFactorView
from .views_notifications import NotificationPreferenceView, NotificationsView

app_name = "csp"
urlpatterns = [
    path("api-tokens/", ApiTokensView.as_view(), name="api_tokens"),
    path("two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
    path("notifications/e-mails/", NotificationPreferenceView.as_view(), name="notification_preferences"),
    path("two-factor/verify/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
]
