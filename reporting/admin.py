"""Admin for report jobs: read what was produced, for whom and whether it failed."""

from django.contrib import admin

from csp.admin_scoping import PartnershipScopedHistoryAdmin, register_partnership_lookups

from .models import ReportJob

register_partnership_lookups({"reporting.reportjob": "partnership"})


@admin.register(ReportJob)
class ReportJobAdmin(PartnershipScopedHistoryAdmin):
    list_display = ["id", "kind", "partnership", "plan", "period", "state", "attempts", "requested_by", "requested_at"]
    list_filter = ["kind", "state", "partnership"]
    readonly_fields = ["checksum", "started_at", "finished_at", "attempts", "html_snapshot"]
    raw_id_fields = ["plan", "period", "requested_by"]
