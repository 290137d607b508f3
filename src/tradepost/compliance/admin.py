"""Operator console for the sanctions lists: lists, their versions and entries, read-only.
Lists change only by `tradepost sanctions import`, which applies a version as a diff. The
screening hits are the compliance review queue: read-only but for the decisions."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tradepost.compliance.models import Alias, Entry, ListVersion, SanctionsList, ScreeningHit
from tradepost.compliance.screening import hit_clear, hit_confirm, hits_for_review
from tradepost.console import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    each_with_messages,
    reason_page,
)
from tradepost.members.requests import request_user


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


def _hit_row(hit: ScreeningHit) -> list[Any]:
    return [
        f"#{hit.pk}",
        hit.member.member_id,
        f"{hit.get_subject_display()}: {hit.subject_value}",
        f"{hit.list_source} v{hit.list_version} {hit.entry_source_id}",
        f"{hit.score:.2f}",
        "; ".join(hit.reasons),
    ]


HIT_HEADERS = ["Hit", "Member", "Screened", "Entry", "Score", "Reasons"]


class EntryDelistedFilter(admin.SimpleListFilter):
    title = _("entry on the list")
    parameter_name = "delisted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("listed")), ("yes", _("removed from the list"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(entry__removed_in__isnull=self.value() == "no")
        return queryset


@admin.register(ScreeningHit)
class ScreeningHitAdmin(ReadOnlyAdmin):
    """Clause 5.13: the compliance review queue, open hits first. A compliance officer
    confirms a hit (a true match: a case on ground 5.13 proposing termination) or clears it
    (a false positive, remembered); both through the services, with a reason."""

    list_display = (
        "id",
        "status",
        "member",
        "subject",
        "subject_value",
        "list_source",
        "entry_source_id",
        "entry_name",
        "entry_listed",
        "score",
        "holds",
        "created_at",
    )
    list_filter = ("status", "holds", "list_source", "subject", EntryDelistedFilter)
    search_fields = ("member__member_id", "member__company_name", "subject_value", "entry_name")
    list_select_related = ("member", "decided_by", "entry__removed_in")
    actions = ["confirm", "clear"]

    @admin.display(description=_("entry on the list"))
    def entry_listed(self, hit: ScreeningHit) -> str:
        """A later list version may delist the entry a hit matched: the hit stays for the
        officer to decide (a delisting is not a clearance), and the queue says so."""
        removed = hit.entry.removed_in
        if removed is None:
            return str(_("listed"))
        return str(_("removed in version %(n)d") % {"n": removed.number})

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScreeningHit]:
        return hits_for_review()

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("compliance.decide_screeninghit")

    @admin.action(description="Confirm (a true match)…", permissions=["decide"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[ScreeningHit]) -> Any:
        return self._decide(request, queryset, "confirm", "Confirm", hit_confirm)

    @admin.action(description="Clear (a false positive)…", permissions=["decide"])
    def clear(self, request: HttpRequest, queryset: QuerySet[ScreeningHit]) -> Any:
        return self._decide(request, queryset, "clear", "Clear", hit_clear)

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[ScreeningHit],
        name: str,
        title: str,
        service: Callable[..., Any],
    ) -> Any:
        hits = list(queryset.select_related("member").order_by("pk"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and form.cleaned_data["reason"].strip():
            by = request_user(request)
            reason = form.cleaned_data["reason"]
            each_with_messages(
                request, hits, lambda h: service(hit=h, by=by, reason=reason), f"{title} done"
            )
            return None
        if form.is_bound:
            form.add_error("reason", "A reason is required.")
        return reason_page(
            self,
            request,
            hits,
            form,
            action=name,
            title=title,
            intro="Clause 5.13. The reason is kept with the decision in the audit trail; the "
            "member is never told which list entry was matched.",
            headers=HIT_HEADERS,
            row=_hit_row,
        )
