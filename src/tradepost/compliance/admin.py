"""Operator console for the sanctions lists: lists, their versions and entries, read-only.
Lists change only by `tradepost sanctions import`, which applies a version as a diff."""

from django.contrib import admin

from tradepost.compliance.models import Alias, Entry, ListVersion, SanctionsList
from tradepost.console import ReadOnlyAdmin, ReadOnlyInline


class VersionInline(ReadOnlyInline):
    model = ListVersion
    fields = readonly_fields = (
        "number",
        "published",
        "imported_at",
        "entry_count",
        "alias_count",
        "added_count",
        "changed_count",
        "removed_count",
    )
    show_change_link = True


class AliasInline(ReadOnlyInline):
    model = Alias
    fields = readonly_fields = ("name", "alias_type", "quality", "script")


@admin.register(SanctionsList)
class SanctionsListAdmin(ReadOnlyAdmin):
    list_display = ("source", "title", "created_at")
    search_fields = ("source", "title")
    inlines = [VersionInline]


@admin.register(ListVersion)
class ListVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "sanctions_list",
        "number",
        "published",
        "imported_at",
        "entry_count",
        "alias_count",
        "added_count",
        "changed_count",
        "removed_count",
    )
    list_filter = ("sanctions_list",)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("source_id", "name", "kind", "sanctions_list", "last_changed", "removed_in")
    list_filter = ("sanctions_list", "kind")
    search_fields = ("source_id", "name", "aliases__name")
    list_select_related = ("sanctions_list", "last_changed", "removed_in")
    raw_id_fields = ("first_seen", "last_changed", "removed_in")
    inlines = [AliasInline]
