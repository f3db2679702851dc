from django.apps import AppConfig


class CspConfig(AppConfig):
    name = "csp"

    def ready(self) -> None:
        from . import content_version

        content_version.connect()
