"""Audit trails and API tokens: read-only, except revoking a token through its service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tradepost.console import ReadOnlyAdmin, grouped_errors
from tradepost.errors import DomainError
from tradepost.members import services
from tradepost.members.models import ApiToken, MemberStatusChange, ProfileRevision
from tradepost.members.requests import request_user

# --- Audit trails ---------------------------------------------------------------------------


@admin.register(MemberStatusChange)
class MemberStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "member", "from_status", "to_status", "changed_by", "reason"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["member__member_id", "member__company_name", "reason"]
    list_select_related = ["member", "changed_by"]


@admin.register(ProfileRevision)
class ProfileRevisionAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "member", "changed_by", "changed_fields", "ip"]
    search_fields = ["member__member_id", "member__company_name"]
    list_select_related = ["member", "changed_by"]

    @admin.display(description="Fields")
    def changed_fields(self, obj: ProfileRevision) -> str:
        return ", ".join(sorted(obj.changes or {}))


# --- API tokens -----------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Personal API tokens. Only the prefix is shown; the hash never leaves the database."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked",
        "revoked_by",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user", "revoked_by"]
    fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    @admin.display(description="Revoked", ordering="revoked_at")
    def revoked(self, obj: ApiToken) -> str:
        return f"{obj.revoked_at:%Y-%m-%d %H:%M}" if obj.revoked_at else "—"

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.change_apitoken")

    @admin.action(description="Revoke selected API tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked, already = [], []
        failures: dict[str, list[str]] = {}
        for token in queryset.select_related("user").order_by("pk"):
            label = f"{token.user} {token.prefix}…"
            if token.revoked_at is not None:
                already.append(label)
                continue
            try:
                services.api_token_revoke_by_staff(token_id=token.pk, by=request_user(request))
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(label)
                continue
            revoked.append(label)
            self.log_change(request, token, "Revoked by staff.")
        if revoked:
            messages.success(request, f"Revoked: {', '.join(revoked)}.")
        if already:
            messages.warning(request, f"Already revoked: {', '.join(already)}.")
        grouped_errors(request, failures)
