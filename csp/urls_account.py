"""Account pages of the signed-in user: API tokens and two-factor sign-in."""

from django.urls import path

from .views_account import ApiTokensView, KeepAliveView, TwoFactorSetupView, TwoFactorVerifyView, TwoFactorView
from .views_notifications import NotificationPreferenceView, NotificationsView
from .views_people import InviteAcceptView

app_name = "csp"
urlpatterns = [
    path("api-tokens/", ApiTokensView.as_view(), name="api_tokens"),
    path("two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("keep-alive/", KeepAliveView.as_view(), name="keep_alive"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
    path("notifications/e-mails/", NotificationPreferenceView.as_view(), name="notification_preferences"),
    path("two-factor/verify/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    # The invitation e-mail's set-password link (csp/people.py InviteTokenGenerator); no sign-in needed.
    path("invite/<uidb64>/<token>/", InviteAcceptView.as_view(), name="invite_accept"),
]
