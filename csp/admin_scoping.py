"""Admin scoped to the coordinator's partnerships.

Superusers see everything. A coordinator (staff, in the 'Coordinators' group) sees and picks only
rows of the partnerships they coordinate, so the admin never shows another partnership's data.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Role

# How each model reaches its partnership; each app registers its own models (register_partnership_lookups).
PARTNERSHIP_LOOKUPS: dict[str, str] = {}


def register_partnership_lookups(lookups: dict[str, str]) -> None:
    """Say how an app's models ('app.model' -> ORM path to the partnership) are scoped in the admin."""
    PARTNERSHIP_LOOKUPS.update(lookups)


register_partnership_lookups(
    {
        "csp.partnership": "pk",
        "csp.partnershippopulation": "partnership",
        "csp.agency": "partnership",
        "csp.person": "partnership",
        "csp.group": "partnership",
        "csp.membership": "partnership",
        "csp.membershiprole": "membership__partnership",
        "csp.reportingperiod": "partnership",
    }
)


def coordinated_partnership_ids(user) -> list[int]:
    """Ids of the partnerships the user coordinates."""
    return list(
        Membership.objects.filter(user=user, roles__role=Role.COORDINATOR).values_list("partnership_id", flat=True)
    )


def scope_to_coordinator(queryset: QuerySet, user) -> QuerySet:
    """Rows of `queryset` within the user's coordinated partnerships (all rows for a superuser)."""
    if user.is_superuser:
        return queryset
    lookup = PARTNERSHIP_LOOKUPS.get(queryset.model._meta.label_lower)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": coordinated_partnership_ids(user)})


class _ScopedChoicesMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(formfield, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(formfield, db_field, request)

    def get_queryset(self, request):
        return scope_to_coordinator(super().get_queryset(request), request.user)


def _scope_choices(formfield, db_field, request):
    if formfield is not None and db_field.related_model._meta.label_lower in PARTNERSHIP_LOOKUPS:
        formfield.queryset = scope_to_coordinator(formfield.queryset, request.user)
    return formfield


class PartnershipScopedAdmin(_ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows and choices are limited to the coordinator's partnerships."""


class PartnershipScopedHistoryAdmin(_ScopedChoicesMixin, SimpleHistoryAdmin):
    """The same, for models whose history django-simple-history keeps."""


class PartnershipScopedInline(_ScopedChoicesMixin, admin.TabularInline):
    """A tabular inline with the same scoping."""


def coordinator_permissions() -> list:
    """The model permissions a coordinator gets in the admin: correct plan data, not create partnerships."""
    from django.contrib.auth.models import Permission

    labels = [label for label in PARTNERSHIP_LOOKUPS if label != "csp.partnership"]
    models = [apps.get_model(label) for label in labels]
    permissions = Permission.objects.filter(content_type__app_label__in={m._meta.app_label for m in models})
    wanted = {(m._meta.app_label, m._meta.model_name) for m in models}
    chosen = [
        p
        for p in permissions.select_related("content_type")
        if (p.content_type.app_label, p.content_type.model) in wanted
    ]
    chosen += list(
        permissions.filter(content_type__model="partnership", codename__in=["view_partnership", "change_partnership"])
    )
    return chosen
