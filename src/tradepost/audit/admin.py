"""The audit trail in the operator console: read-only, filtered, exported.

There is no add, change or delete here (the model refuses them too, and PostgreSQL's trigger
refuses them below the model); staff filter by action, clause, target and date, search by
member ID, target, actor or reason, and export the selected rows (or all matching rows with
"select all") as CSV or JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from tradepost.audit.models import AuditEntry
from tradepost.console import ReadOnlyAdmin, field_names

EXPORT_FIELDS = [
    "id",
    "at",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "member_id",
    "reason",
    "clause",
    "before",
    "after",
    "request_id",
]


def export_rows(queryset: QuerySet[AuditEntry]) -> list[dict[str, Any]]:
    """The rows as plain values, oldest first."""
    rows = []
    for entry in queryset.order_by("at", "id").iterator():
        row = {name: getattr(entry, name) for name in EXPORT_FIELDS}
        row["at"] = entry.at.isoformat()
        rows.append(row)
    return rows


def _attachment(body: str, fmt: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response


@admin.action(description="Export the selected audit rows (CSV)", permissions=["view"])
def export_audit_csv(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[AuditEntry]
) -> HttpResponse:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in export_rows(queryset):
        row["before"] = json.dumps(row["before"], sort_keys=True)
        row["after"] = json.dumps(row["after"], sort_keys=True)
        writer.writerow(row)
    return _attachment(out.getvalue(), "csv")


@admin.action(description="Export the selected audit rows (JSON)", permissions=["view"])
def export_audit_json(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[AuditEntry]
) -> HttpResponse:
    return _attachment(json.dumps(export_rows(queryset), indent=1, sort_keys=True), "json")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Who did what, when and why (clause and reason), to which member; never edited."""

    list_display = ["at", "actor_label", "what", "target", "clause"]
    list_filter = ["action", "target_type", "clause", ("at", admin.DateFieldListFilter)]
    search_fields = ["member_id", "target_id", "actor_label", "reason", "=request_id"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    readonly_fields = field_names(AuditEntry)
    actions = [export_audit_csv, export_audit_json]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="Target", ordering="target_id")
    def target(self, obj: AuditEntry) -> str:
        return f"{obj.target_type} {obj.target_id}"

    @admin.display(description="Action and reason", ordering="action")
    def what(self, obj: AuditEntry) -> SafeString:
        if not obj.reason:
            return format_html("<code>{}</code>", obj.action)
        reason = Truncator(obj.reason).chars(120)
        return format_html("<code>{}</code><br>{}", obj.action, reason)
