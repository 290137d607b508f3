from django.contrib import admin

from tradepost.terms.models import Clause, TermsAcceptance, TermsTranslation, TermsVersion


class ClauseInline(admin.TabularInline):
    """Read-only: a posted version is never edited (clause 1.3 amends by a new version)."""

    model = Clause
    fields = ["number", "heading", "lead_in", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)

    def has_add_permission(self, request, obj=None):
        return False


class TranslationInline(admin.TabularInline):
    model = TermsTranslation
    fields = ["language", "is_governing", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    """Versions come from `tradepost terms import`; once posted their text is fixed (1.3)."""

    list_display = ["site", "label", "effective_date", "created_at"]
    list_filter = ["site"]
    readonly_fields = [
        "site",
        "label",
        "effective_date",
        "body",
        "body_sha256",
        "preamble",
        "source_name",
        "created_at",
    ]
    inlines = [TranslationInline, ClauseInline]

    def has_add_permission(self, request):
        return False


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["member", "version", "method", "accepted_at", "ip"]
    list_filter = ["method", "version__site"]
    search_fields = ["member__member_id", "member__company_name"]
    readonly_fields = [f.name for f in TermsAcceptance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
