"""Admin for report jobs: read what was produced, for whom and whether it failed."""

from django.contrib import admin

from csp.admin_scoping import PartnershipScopedHistoryAdmin, RecordOnlyAdminMixin, register_partnership_lookups

from .models import ReportJob

register_partnership_lookups({"reporting.reportjob": "partnership"})


@admin.register(ReportJob)
class ReportJobAdmin(RecordOnlyAdminMixin, PartnershipScopedHistoryAdmin):
    """Report jobs are requested on the reports page and written by the worker: read-only here.

    Nobody replaces a report's file, state or checksum by hand: viewers would be served the replacement.
    """

    list_display = ["id", "kind", "partnership", "plan", "period", "state", "attempts", "requested_by", "requested_at"]
    list_filter = ["kind", "state", "partnership"]
    exclude = ["html_snapshot"]
