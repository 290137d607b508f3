"""The member record, read-only, with its histories (5.1, 5.2, 5.8, 4.1)."""

from __future__ import annotations

from django.contrib import admin

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline
from tradepost.members.models import (
    BusinessReferee,
    Member,
    MemberIdentifier,
    MemberStatusChange,
    ProfileRevision,
)
from tradepost.members.selectors import member_contracting_entity


class ProfileRevisionInline(ReadOnlyInline):
    model = ProfileRevision
    fields = ["changed_at", "changed_by", "changes", "ip"]
    verbose_name_plural = "Profile revisions (5.2)"


class MemberStatusChangeInline(ReadOnlyInline):
    model = MemberStatusChange
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by"]
    verbose_name_plural = "Status changes"


class BusinessRefereeInline(ReadOnlyInline):
    model = BusinessReferee
    fields = [
        "name",
        "company",
        "email",
        "phone",
        "relationship",
        "consent_given",
        "consent_recorded_at",
    ]
    verbose_name_plural = "Business referees (5.8)"


class MemberIdentifierInline(ReadOnlyInline):
    """The keys that clause 4.1 compares: look-alike letters folded (UTS #39), so they read
    oddly ("exarnple.corn"); the member's own fields above hold what they typed."""

    model = MemberIdentifier
    fields = readonly_fields = ("kind", "matching_key", "slot")
    verbose_name_plural = "Identifiers held (4.1)"

    @admin.display(description="Matching key (look-alike letters folded)")
    def matching_key(self, obj: MemberIdentifier) -> str:
        return obj.value


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Members, read-only. `tradepost.trust.admin` adds the "Change status" page (4.5, 6.2 i)."""

    list_display = [
        "member_id",
        "company_name",
        "site",
        "country",
        "status",
        "contracting_entity",
        "created_at",
    ]
    list_filter = ["site", "status", "country", "contracting_entity", "is_supplier"]
    search_fields = ["member_id", "company_name", "email", "phone", "registration_number"]
    date_hierarchy = "created_at"
    fieldsets = (
        (
            "Business (5.1)",
            {
                "fields": (
                    "member_id",
                    "company_name",
                    "business_type",
                    "registration_number",
                    "site",
                    "country",
                    "access_country",
                    "is_buyer",
                    "is_supplier",
                )
            },
        ),
        ("Contact", {"fields": ("contact_name", "email", "phone", "address")}),
        ("Status", {"fields": ("status", "status_reason", "status_changed_at")}),
        (
            "Contracting entity (2.1, 11.1, 12.7)",
            {
                "fields": (
                    "contracting_entity",
                    "contracting_entity_name",
                    "contracting_rule",
                    "contracting_clause",
                )
            },
        ),
        ("Record", {"fields": ("user", "registration_ip", "created_at", "updated_at")}),
    )
    readonly_fields = ["contracting_entity_name"]
    inlines = [
        MemberStatusChangeInline,
        ProfileRevisionInline,
        BusinessRefereeInline,
        MemberIdentifierInline,
    ]

    @admin.display(description="Entity")
    def contracting_entity_name(self, obj: Member) -> str:
        try:
            return member_contracting_entity(obj).name
        except KeyError:
            return f"{obj.contracting_entity} (no longer in the policy file)"
