"""Operator console for the Terms: versions, acceptances (read-only evidence), the sites'
acceptance mode and the Additional Agreements. Every write goes through a service, which
validates and writes the audit row naming the staff member."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline, field_names, form_add_domain_error
from tradepost.errors import InvalidInput
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.terms import export, services
from tradepost.terms.models import (
    AdditionalAgreement,
    AgreementAcceptance,
    AgreementChange,
    AgreementVersion,
    Clause,
    SiteTermsSettings,
    SiteTermsSettingsChange,
    TermsAcceptance,
    TermsTranslation,
    TermsVersion,
)


class ClauseInline(ReadOnlyInline):
    """Read-only: a posted version is never edited (clause 1.3 amends by a new version)."""

    model = Clause
    fields = readonly_fields = ("number", "heading", "lead_in", "text")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clause]:
        return super().get_queryset(request).filter(parent__isnull=True)


class TranslationInline(ReadOnlyInline):
    model = TermsTranslation
    fields = readonly_fields = ("language", "is_governing", "created_at")


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


def _export_response(
    queryset: QuerySet[TermsAcceptance] | QuerySet[AgreementAcceptance], fmt: str
) -> HttpResponse:
    """The full acceptance history (Terms and agreements) of the members of the selected rows."""
    member_pks = sorted(set(queryset.values_list("member_id", flat=True)))
    members = Member.objects.filter(pk__in=member_pks).order_by("member_id")
    body = export.render(export.acceptance_rows(members), fmt)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    name = members[0].member_id if len(member_pks) == 1 else "members"
    response["Content-Disposition"] = f'attachment; filename="acceptances-{name}.{fmt}"'
    return response


@admin.action(description="Export the members' acceptance history (CSV)", permissions=["view"])
def export_acceptances_csv(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[TermsAcceptance] | QuerySet[AgreementAcceptance],
) -> HttpResponse:
    return _export_response(queryset, "csv")


@admin.action(description="Export the members' acceptance history (JSON)", permissions=["view"])
def export_acceptances_json(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[TermsAcceptance] | QuerySet[AgreementAcceptance],
) -> HttpResponse:
    return _export_response(queryset, "json")


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    """Acceptances are evidence (1.1, 4.4): read-only. Search a member ID, select the rows and
    export that member's whole history, Terms and Additional Agreements."""

    list_display = ["member", "version", "method", "accepted_at", "ip"]
    list_filter = ["method", "version__site"]
    search_fields = ["member__member_id", "member__company_name"]
    readonly_fields = field_names(TermsAcceptance)
    actions = [export_acceptances_csv, export_acceptances_json]


@admin.register(SiteTermsSettings)
class SiteTermsSettingsAdmin(admin.ModelAdmin):
    """Per site: does a new version need a click before the next sensitive action, or is it
    accepted by continued use after notice (1.3)? A site without a row uses continued use."""

    list_display = ["site", "acceptance_mode", "updated_at", "updated_by"]
    fields = ["site", "acceptance_mode", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Model | None = None
    ) -> list[str] | tuple[str, ...]:
        return [*self.readonly_fields, "site"] if obj else self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: SiteTermsSettings, form: forms.ModelForm, change: bool
    ) -> None:
        saved = services.site_terms_settings_set(
            site=obj.site, acceptance_mode=obj.acceptance_mode, by=request_user(request)
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(SiteTermsSettingsChange)
class SiteTermsSettingsChangeAdmin(admin.ModelAdmin):
    """Every change of a site's acceptance mode, with the staff member who made it."""

    list_display = ["at", "site", "from_mode", "to_mode", "by"]
    list_filter = ["site"]
    readonly_fields = ["at", "site", "from_mode", "to_mode", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AgreementChangeInline(admin.TabularInline):
    model = AgreementChange
    fields = readonly_fields = ("at", "action", "by", "changes")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AgreementVersionInline(admin.TabularInline):
    """Read-only: a posted version is never edited; add a new one with a new date."""

    model = AgreementVersion
    fields = readonly_fields = ("label", "effective_date", "body_sha256", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AdditionalAgreementForm(forms.ModelForm):
    """Checked by `services.agreement_fields_check` (key, service of policy/services.toml,
    site, title) before the admin saves it through the services."""

    class Meta:
        model = AdditionalAgreement
        fields = ["key", "title", "service", "site"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        instance = self.instance
        try:
            services.agreement_fields_check(
                key=data.get("key", instance.key) or "",
                service=data.get("service", instance.service) or "",
                site=data.get("site", instance.site) or "",
                title=data.get("title") or "",
            )
        except InvalidInput as exc:
            # A field the form already refused keeps its own message.
            form_add_domain_error(
                self, exc, problems_for=lambda key, problems: [] if key in self.errors else problems
            )
        return data


@admin.register(AdditionalAgreement)
class AdditionalAgreementAdmin(admin.ModelAdmin):
    """Additional Agreements (1.5): which agreement governs which service, on which site.
    Where one conflicts with the Terms, it prevails for that service only."""

    form = AdditionalAgreementForm
    list_display = ["title", "key", "service", "site", "created_at"]
    list_filter = ["service", "site"]
    search_fields = ["key", "title"]
    inlines = [AgreementVersionInline, AgreementChangeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["key", "service", "site", "created_at"] if obj else ["created_at"]

    def save_model(
        self, request: HttpRequest, obj: AdditionalAgreement, form: forms.ModelForm, change: bool
    ) -> None:
        by = request_user(request)
        if change:
            services.agreement_update(agreement_id=obj.pk, title=obj.title, by=by)
            return
        saved = services.agreement_create(
            key=obj.key, title=obj.title, service=obj.service, site=obj.site, by=by
        )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AgreementVersionForm(forms.ModelForm):
    class Meta:
        model = AgreementVersion
        fields = ["agreement", "label", "effective_date", "body", "source_name"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    """Post a version of an Additional Agreement; once posted it is read-only. Members must
    accept the version in force before they next use the service (1.5)."""

    form = AgreementVersionForm
    list_display = ["agreement", "label", "effective_date", "created_at", "created_by"]
    list_filter = ["agreement"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in AgreementVersion._meta.fields if f.name != "id"]

    def save_model(
        self, request: HttpRequest, obj: AgreementVersion, form: forms.ModelForm, change: bool
    ) -> None:
        version, _ = services.agreement_version_add(
            agreement=obj.agreement,
            label=obj.label,
            effective_date=obj.effective_date,
            body=obj.body,
            source_name=obj.source_name,
            by=request_user(request),
        )
        obj.pk = version.pk

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["member", "version", "accepted_at", "ip"]
    list_filter = ["version__agreement"]
    search_fields = ["member__member_id", "member__company_name"]
    readonly_fields = [f.name for f in AgreementAcceptance._meta.fields]
    actions = [export_acceptances_csv, export_acceptances_json]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
