"""Admin for the partnership core: a coordinator corrects data here."""

from django.contrib import admin

from .admin_scoping import PartnershipScopedHistoryAdmin, PartnershipScopedInline
from .models import (
    Agency,
    Area,
    AreaMembership,
    Group,
    Membership,
    MembershipRole,
    Partnership,
    PartnershipPopulation,
    Person,
    ReportingPeriod,
)


class PopulationInline(PartnershipScopedInline):
    model = PartnershipPopulation
    extra = 0


class OperatorsOnlyMixin:
    """Kept by the service's operators (superusers) only: every other user is refused every view."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Area)
class AreaAdmin(OperatorsOnlyMixin, PartnershipScopedHistoryAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AreaMembership)
class AreaMembershipAdmin(OperatorsOnlyMixin, PartnershipScopedHistoryAdmin):
    list_display = ["user", "area", "role"]
    list_filter = ["area", "role"]
    search_fields = ["user__username", "user__email", "area__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "area"]


@admin.register(Partnership)
class PartnershipAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["name", "short_name", "area"]
    search_fields = ["name", "short_name", "area__name"]
    list_filter = ["area"]
    list_select_related = ["area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PopulationInline]

    def get_readonly_fields(self, request, obj=None):
        # Which area a partnership belongs to decides who reads it: operators set it, not coordinators.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "area"]


@admin.register(PartnershipPopulation)
class PartnershipPopulationAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["partnership", "financial_year", "population", "source"]
    list_filter = ["partnership"]


@admin.register(Agency)
class AgencyAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["name", "short_name", "kind", "partnership", "is_responsible_authority"]
    list_filter = ["partnership", "kind", "is_responsible_authority"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["name", "job_title", "agency", "partnership", "user"]
    list_filter = ["partnership", "agency"]
    search_fields = ["name", "job_title", "email", "user__username"]
    autocomplete_fields = ["agency", "user"]
    list_select_related = ["agency", "partnership", "user"]


@admin.register(Group)
class GroupAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["name", "short_name", "kind", "partnership", "chair", "next_meeting"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["chair", "chair_agency"]
    list_select_related = ["partnership", "chair"]


class MembershipRoleInline(PartnershipScopedInline):
    model = MembershipRole
    extra = 1


@admin.register(Membership)
class MembershipAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["user", "partnership", "agency", "person", "role_list"]
    list_filter = ["partnership", "roles__role"]
    search_fields = ["user__username", "user__email", "person__name"]
    autocomplete_fields = ["user", "agency", "person"]
    inlines = [MembershipRoleInline]
    list_select_related = ["user", "partnership", "agency", "person"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(role.get_role_display() for role in obj.roles.all())


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["label", "partnership", "kind", "start", "end", "update_deadline"]
    list_filter = ["partnership", "kind", "financial_year"]
    search_fields = ["partnership__name"]
    ordering = ["partnership", "start", "kind"]
