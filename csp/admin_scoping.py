"""Admin scoped to the coordinator's partnerships.

The admin is for operators (superusers). Until the coordinator pages land, a coordinator (staff, in
the 'Coordinators' group) may still use it, and every admin view they can reach is scoped to the
partnerships they coordinate: changelist, add, change, history list and detail, autocomplete, raw-id
lookups, list filters and actions. Another partnership's object is a 404, as everywhere else.
Coordinators never hard-delete (they archive) and only superusers may revert from history.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from .concurrency import ConcurrentChange, row_lock, version_token
from .models import ArchivableModel, Membership
from .selectors import coordinated_partnership_ids

# How each model reaches its partnership; each app registers its own models (register_partnership_lookups).
PARTNERSHIP_LOOKUPS: dict[str, str] = {}

# Columns that record who did what and when, or a workflow's state: written by services only, never typed.
WORKFLOW_FIELDS = frozenset(
    {
        "created_at",
        "updated_at",
        "archived_at",
        "archived_by",
        "archive_reason",
    }
)

NOT_FOUND_MESSAGE = "No such object in your partnerships."
REVERT_REFUSED_MESSAGE = (
    "Only the service's operators can revert a record from its history, and never an update or a record "
    "written by the review: nothing was changed."
)


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


def scope_to_coordinator(queryset: QuerySet, user) -> QuerySet:
    """Rows of `queryset` within the user's coordinated partnerships (all rows for a superuser)."""
    if user.is_superuser:
        return queryset
    model = queryset.model
    if model is get_user_model():
        # A coordinator may pick (and see) only the members of their own partnerships.
        members = Membership.objects.filter(partnership__in=coordinated_partnership_ids(user)).values("user_id")
        return queryset.filter(pk__in=members)
    lookup = PARTNERSHIP_LOOKUPS.get(model._meta.label_lower)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": coordinated_partnership_ids(user)})


def _scope_choices(formfield, db_field, request):
    related = db_field.related_model
    if formfield is not None and (related._meta.label_lower in PARTNERSHIP_LOOKUPS or related is get_user_model()):
        formfield.queryset = scope_to_coordinator(formfield.queryset, request.user)
    return formfield


def _scoped_list_filter(model, entry):
    """A related list filter offers only the values found in the scoped rows, never every partnership's."""
    if not isinstance(entry, str):
        return entry
    try:
        field = get_fields_from_path(model, entry)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return entry
    if field.is_relation:
        return (entry, admin.RelatedOnlyFieldListFilter)
    return entry


class _ScopedChoicesMixin:
    """Rows, choices, filters and permissions of one admin limited to the coordinator's partnerships."""

    # Fields only a service writes; the admin shows them read-only (subclasses add their own).
    workflow_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        return scope_to_coordinator(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _scope_choices(formfield, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _scope_choices(formfield, db_field, request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        names = {f.name for f in self.model._meta.get_fields()}
        for name in (*sorted(WORKFLOW_FIELDS & names), *self.workflow_fields):
            if name not in readonly:
                readonly.append(name)
        return readonly

    def has_delete_permission(self, request, obj=None):
        # A partnership's users archive; only operators delete (and the database protects updates and reviews).
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ArchivedListFilter(admin.SimpleListFilter):
    """Show live or archived rows of an archivable model."""

    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Not archived"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


def _each_through_service(request, queryset, service, done_message: str) -> None:
    from .services import record_archive, record_restore  # services import this module's lookups

    write = {"archive": record_archive, "restore": record_restore}[service]
    done = 0
    for record in queryset:
        try:
            kwargs = {"reason": "Archived in the admin"} if service == "archive" else {}
            write(user=request.user, record=record, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{record}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, done_message.format(count=done))


@admin.action(description="Archive the selected rows (kept, left out of lists)", permissions=["archive"])
def archive_selected(modeladmin, request, queryset):
    _each_through_service(request, queryset, "archive", "{count} archived. A coordinator can restore them.")


@admin.action(description="Restore the selected archived rows", permissions=["archive"])
def restore_selected(modeladmin, request, queryset):
    _each_through_service(request, queryset, "restore", "{count} restored.")


CONCURRENT_CHANGE_MESSAGE = (
    "Someone saved this record after you opened it. Nothing was saved: check their change and try again."
)


def _has_version_token(model) -> bool:
    names = {f.name for f in model._meta.concrete_fields}
    return "version" in names or "updated_at" in names


class _ScopedModelAdminMixin(_ScopedChoicesMixin):
    actions = [archive_selected, restore_selected]
    # A change form carries the version token it showed; the save compares it under a row lock
    # (csp.concurrency), so two operators editing the same row cannot silently overwrite each other.
    # False where the admin saves through a service with its own version check (quarterly updates).
    checks_concurrent_changes = True

    def _checks_concurrency(self) -> bool:
        return self.checks_concurrent_changes and _has_version_token(self.model)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None or not self._checks_concurrency():
            return super().get_form(request, obj, change=change, **kwargs)
        seen = str(version_token(obj))

        class VersionCheckedForm(kwargs.get("form", self.form)):
            seen_version = forms.CharField(widget=forms.HiddenInput, required=False, initial=seen)

            def clean(self):
                cleaned = super().clean()
                current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
                if current is not None and cleaned.get("seen_version") not in (None, "", str(version_token(current))):
                    raise ValidationError(CONCURRENT_CHANGE_MESSAGE)
                return cleaned

        return super().get_form(request, obj, change=change, **{**kwargs, "form": VersionCheckedForm})

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and self._checks_concurrency() and self.has_change_permission(request, obj):
            return [*fields, "seen_version"]
        return fields

    def save_model(self, request, obj, form, change):
        seen = form.cleaned_data.get("seen_version") if change else None
        if not seen or not self._checks_concurrency():
            return super().save_model(request, obj, form, change)
        with transaction.atomic():
            row_lock(type(obj), obj.pk)
            current = type(obj)._default_manager.filter(pk=obj.pk).first()
            if current is None or str(version_token(current)) != seen:
                raise ConcurrentChange(current)
            return super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentChange:
            # The admin's transaction was rolled back: nothing of this save (inlines included) was kept.
            messages.error(request, CONCURRENT_CHANGE_MESSAGE)
            return HttpResponseRedirect(request.get_full_path())

    def get_list_filter(self, request):
        filters = [_scoped_list_filter(self.model, entry) for entry in super().get_list_filter(request)]
        return [*filters, ArchivedListFilter] if issubclass(self.model, ArchivableModel) else filters

    def has_archive_permission(self, request):
        # The services check the partnership role; here only whether the model is archived at all.
        return issubclass(self.model, ArchivableModel) and self.has_view_permission(request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Not the admin's redirect to the index: "not yours" and "not there" are the same 404 everywhere.
        raise Http404(NOT_FOUND_MESSAGE)

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(NOT_FOUND_MESSAGE)
        return super().history_view(request, object_id, extra_context)


class PartnershipScopedAdmin(_ScopedModelAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows and choices are limited to the coordinator's partnerships."""


class PartnershipScopedHistoryAdmin(_ScopedModelAdminMixin, SimpleHistoryAdmin):
    """The same, for models whose history django-simple-history keeps; revert is for operators only."""

    # False where a row changes only through a workflow service (updates, records): no revert at all.
    revertable = True

    def _may_revert(self, request, obj=None) -> bool:
        return self.revertable and request.user.is_superuser and self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not str(version_id).isdigit():
            raise Http404(NOT_FOUND_MESSAGE)
        if request.method == "POST" and not self._may_revert(request, obj):
            raise PermissionDenied(REVERT_REFUSED_MESSAGE)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self._may_revert(request, obj) or super().revert_disabled(request, obj)


class PartnershipScopedInline(_ScopedChoicesMixin, admin.TabularInline):
    """A tabular inline with the same scoping."""


class RecordOnlyAdminMixin:
    """Rows only a service writes (reviews, reminders, report jobs): shown, never added or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def coordinator_permissions() -> list:
    """The model permissions a coordinator gets in the admin: correct plan data, never delete or create partnerships."""
    from django.contrib.auth.models import Permission

    labels = [label for label in PARTNERSHIP_LOOKUPS if label != "csp.partnership"]
    models = [apps.get_model(label) for label in labels]
    permissions = Permission.objects.filter(content_type__app_label__in={m._meta.app_label for m in models}).exclude(
        codename__startswith="delete_"
    )
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
