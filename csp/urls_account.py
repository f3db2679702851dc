"""Account pages of the signed-in user (API tokens)."""

app_name = "csp"
urlpatterns: list = []
