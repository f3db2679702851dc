from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "priorities"
