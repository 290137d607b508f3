from django.contrib import admin

from tradepost.terms.models import TermsAcceptance, TermsVersion


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    list_display = ["site", "label", "effective_date", "created_at"]
    list_filter = ["site"]
    readonly_fields = ["body_sha256", "created_at"]


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
