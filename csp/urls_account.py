"""Account pages of the signed-in user (API tokens)."""

from django.urls import path

from .views_account import ApiTokensView

app_name = "csp"
urlpatterns = [
    path("api-tokens/", ApiTokensView.as_view(), name="api_tokens"),
]
