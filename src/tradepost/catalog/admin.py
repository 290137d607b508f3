"""Operator console for the catalog: the moderation queue (6.1), listings, supplier profiles
(tiers and listing caps, 6.2 iii), categories and the Product Listing Policy versions.

Every write goes through a service (which validates, writes the audit row naming the staff
member and keeps the search index in step); the console's own forms never save a row.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import JSONField, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tradepost.catalog import services
from tradepost.catalog.models import (
    Category,
    Certification,
    LicenceGrant,
    Listing,
    ListingAwaitingReview,
    ListingPolicyActivation,
    ListingPolicyVersion,
    ListingStatus,
    ListingTransition,
    ModerationReason,
    SupplierProfile,
    SupplierProfileChange,
)
from tradepost.catalog.policy import PolicyError, load_categories, load_membership_tiers
from tradepost.catalog.policy import parse_listing_policy as _parse
from tradepost.catalog.rules import Action
from tradepost.catalog.selectors import listing_policy_in_force
from tradepost.catalog.services.profiles import LISTING_CAP_OVERRIDE_MAX
from tradepost.catalog.views import screening_rows
from tradepost.console import ReadOnlyInline, form_add_domain_error, json_as_tables
from tradepost.errors import DomainError
from tradepost.members.requests import request_user

MODERATE_PERMISSION = "catalog.moderate_listing"


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a domain error on the form (`badges[0]` on the badges field): the shared helper."""
    form_add_domain_error(form, exc, field_for=lambda key: key.split("[")[0])


# --- Moderation (clause 6.1) ----------------------------------------------------------------


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Action.APPROVE, _lazy("Approve: publish as it is")),
            (Action.MODIFY, _lazy("Modify: publish with the changes below")),
            (Action.REJECT, _lazy("Reject")),
            (Action.REMOVE, _lazy("Remove")),
        ],
        widget=forms.RadioSelect,
        label=_lazy("Decision"),
        help_text=_lazy("Why? Terms clause 6.1 (and 6.2 iii for removal)."),
    )
    reason_code = forms.ChoiceField(
        label=_lazy("Reason"),
        help_text=_lazy("The ground the supplier is told (terms clause 6.1)."),
        choices=[("", "— none (approve only) —"), *ModerationReason.choices],
        required=False,
    )
    reason_text = forms.CharField(
        label=_lazy("Explanation to the supplier"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    title = forms.CharField(max_length=200, required=False, help_text=_lazy("Modify only."))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, help_text=_lazy("Modify only.")
    )
    keywords = forms.CharField(required=False, help_text=_lazy("Modify only; comma-separated."))

    def changes(self, listing: Listing) -> dict:
        d = self.cleaned_data
        changes = {}
        if d["title"] and d["title"] != listing.title:
            changes["title"] = d["title"]
        if d["description"] and d["description"] != listing.description:
            changes["description"] = d["description"]
        keywords = [k.strip() for k in (d["keywords"] or "").split(",") if k.strip()]
        if keywords != list(listing.keywords or []):
            changes["keywords"] = keywords
        return changes


DECISION_WORDS = {
    "publish": "Publish: no rule holds it",
    "review": "Held for review by staff",
    "refuse": "Refused: the policy does not allow it",
}
ACTION_WORDS = {"publish": "allowed", "review": "holds for review", "refuse": "refuses"}


def field_label(field: str) -> str:
    """A screened field as staff say it: `keywords[2]` -> "Keyword 3"."""
    if "[" in field:
        name, rest = field.split("[", 1)
        index = rest.split("]", 1)[0]
        part = rest.split(".", 1)[1] if "." in rest else ""
        label = {"keywords": "Keyword", "attributes": "Attribute"}.get(name, name.title())
        number = int(index) + 1 if index.isdigit() else index
        return f"{label} {number}{' ' + part if part else ''}"
    return {"port": "Port of loading"}.get(field, field.replace("_", " ").capitalize())


def _screening_html(listing: Listing) -> SafeString:
    """The screening result as a table: where the words are, which rule matched and what it does."""
    screening = listing.screening or {}
    decision = screening.get("decision", "")
    heading = format_html(
        '<p><span class="tp-decision">{}</span> '
        '<span class="tp-muted">(listing policy {})</span></p>',
        DECISION_WORDS.get(decision, decision or "Not screened yet"),
        screening.get("policy_version") or "—",
    )
    rows = screening_rows(screening, services.listing_data(listing))
    if not rows:
        table = format_html('<p class="tp-muted">{}</p>', "No rule matched.")
    else:
        table = format_html(
            '<table class="tp-data"><thead><tr><th scope="col">Rule</th><th scope="col">Where</th>'
            '<th scope="col">Words found</th><th scope="col">Effect</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}<br><small class='tp-muted'>{}</small></td><td>{}</td>"
                "<td>{}<mark>{}</mark>{}</td><td>{}</td></tr>",
                (
                    (
                        r.get("title") or r["rule"],
                        r["rule"],
                        field_label(r.get("field", "")),
                        r.get("before", ""),
                        r.get("text", ""),
                        r.get("after", ""),
                        ACTION_WORDS.get(r.get("action", ""), r.get("action", "")),
                    )
                    for r in rows
                ),
            ),
        )
    docs = screening.get("documents_required") or []
    doc_html = (
        format_html(
            "<p>Documents required: </p><ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((d,) for d in docs)),
        )
        if docs
        else SafeString("")
    )
    return format_html("{}{}{}", heading, table, doc_html)


def _held_by(listing: Listing) -> SafeString:
    """The rules that held a listing, by their titles (their ids small, for the policy file)."""
    rules = {
        m["rule"]: m.get("title") or m["rule"] for m in (listing.screening or {}).get("matches", [])
    }
    if not rules:
        return format_html("{}", "an earlier staff decision")
    return format_html_join(
        "",
        '<span class="tp-rule">{} <small class="tp-muted">{}</small></span>',
        ((title, rule) for rule, title in sorted(rules.items(), key=lambda item: item[1])),
    )


class ListingTransitionInline(ReadOnlyInline):
    model = ListingTransition
    fields = readonly_fields = (
        "at",
        "from_status",
        "to_status",
        "action",
        "actor",
        "by",
        "reason_code",
        "reason_text",
        "message",
    )


class LicenceGrantInline(ReadOnlyInline):
    model = LicenceGrant
    fields = readonly_fields = ("granted_at", "member", "terms_version", "content_sha256")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "supplier",
        "category",
        "status",
        "screening_decision",
        "updated_at",
        "moderate_link",
    ]
    list_filter = ["status", "screening_decision", "category__parent"]
    search_fields = ["title", "supplier__member_id", "supplier__company_name"]
    inlines = [ListingTransitionInline, LicenceGrantInline]
    exclude = ["screening"]
    readonly_fields = ["screening_result", "moderate_link"]

    def get_readonly_fields(self, request: HttpRequest, obj: Listing | None = None) -> list[Any]:
        own = [f.name for f in Listing._meta.fields if f.name != "screening"]
        return json_as_tables(self, [*own, "screening_result", "moderate_link"])

    def get_exclude(self, request: HttpRequest, obj: Listing | None = None) -> list[str]:
        return [f.name for f in Listing._meta.fields if isinstance(f, JSONField)]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Screening")
    def screening_result(self, obj: Listing) -> str:
        return _screening_html(obj)

    @admin.display(description="Decide")
    def moderate_link(self, obj: Listing) -> str:
        if obj.pk is None or obj.status in (ListingStatus.DRAFT, ListingStatus.REMOVED):
            return "—"
        url = reverse("admin:catalog_listing_moderate", args=[obj.pk])
        return format_html('<a href="{}">Moderate</a>', url)

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<int:listing_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="catalog_listing_moderate",
            )
        ]
        return urls + super().get_urls()

    def moderate_view(self, request: HttpRequest, listing_id: int) -> HttpResponse:
        """Clause 6.1: approve, modify, reject or remove, choosing the reason (i)-(vi)."""
        if not request.user.has_perm(MODERATE_PERMISSION):
            raise PermissionDenied
        listing = get_object_or_404(
            Listing.objects.select_related("supplier", "category"), pk=listing_id
        )
        initial = {
            "title": listing.title,
            "description": listing.description,
            "keywords": ", ".join(listing.keywords or []),
        }
        form = ModerationForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.listing_moderate(
                    listing_id=listing.pk,
                    by=request_user(request),
                    decision=form.cleaned_data["decision"],
                    reason_code=form.cleaned_data["reason_code"],
                    reason_text=form.cleaned_data["reason_text"],
                    changes=form.changes(listing)
                    if form.cleaned_data["decision"] == Action.MODIFY
                    else None,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                listing.refresh_from_db()
                self.message_user(
                    request,
                    f"Listing #{listing.pk} is now {listing.get_status_display().lower()}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:catalog_listingawaitingreview_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Moderate listing #{listing.pk}",
            "listing": listing,
            "form": form,
            "screening_html": _screening_html(listing),
            "certifications": Certification.objects.filter(profile__member=listing.supplier),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/moderate.html", context)


@admin.register(ListingAwaitingReview)
class ListingAwaitingReviewAdmin(admin.ModelAdmin):
    """The moderation queue: oldest first, each with the rules that held it."""

    list_display = ["listing", "category", "rules_matched", "waiting", "decide"]
    list_display_links = None
    search_fields = ["title", "supplier__member_id", "supplier__company_name"]
    ordering = ["updated_at", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListingAwaitingReview]:
        return (
            super()
            .get_queryset(request)
            .filter(status=ListingStatus.PENDING_REVIEW)
            .select_related("supplier", "category")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION) or super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION) or super().has_module_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"title": _("Listings held for review, oldest first"), **(extra_context or {})}
        return super().changelist_view(request, context)

    @admin.display(description="Listing", ordering="title")
    def listing(self, obj: Listing) -> str:
        return format_html(
            '<span class="tp-queue-title">{}</span><span class="tp-muted">#{} · {} · {}</span>',
            obj.title,
            obj.pk,
            obj.supplier.member_id,
            obj.supplier.company_name,
        )

    @admin.display(description="Held by")
    def rules_matched(self, obj: Listing) -> SafeString:
        return _held_by(obj)

    @admin.display(description="Waiting", ordering="updated_at")
    def waiting(self, obj: Listing) -> str:
        return format_html(
            '{}<span class="tp-muted tp-waiting-since">{}</span>',
            timesince(obj.updated_at),
            _("since %(when)s UTC") % {"when": f"{obj.updated_at:%Y-%m-%d %H:%M}"},
        )

    @admin.display(description="Decide")
    def decide(self, obj: Listing) -> str:
        url = reverse("admin:catalog_listing_moderate", args=[obj.pk])
        return format_html('<a class="button" href="{}">Moderate</a>', url)


# --- Supplier profiles: tier and listing cap (6.2 iii) --------------------------------------


class SupplierStaffForm(forms.Form):
    """What staff decide about a supplier; `services.supplier_profile_staff_update` saves it."""

    membership_tier = forms.ChoiceField(choices=())
    listing_cap_override = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=LISTING_CAP_OVERRIDE_MAX,
        help_text="Clause 6.2 (iii): empty uses the tier's cap.",
    )
    verified = forms.BooleanField(required=False)
    badges = forms.CharField(required=False, help_text="Comma-separated.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Kept in the audit."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tier = self.fields["membership_tier"]
        assert isinstance(tier, forms.ChoiceField)
        tier.choices = load_membership_tiers().choices()

    def changes(self) -> dict:
        d = self.cleaned_data
        return {
            "membership_tier": d["membership_tier"],
            "listing_cap_override": d["listing_cap_override"],
            "verified": d["verified"],
            "badges": [b.strip() for b in (d["badges"] or "").split(",") if b.strip()],
        }


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = readonly_fields = ("name", "issuer", "document", "content_type", "size", "uploaded_at")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class SupplierProfileChangeInline(admin.TabularInline):
    model = SupplierProfileChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "by", "changes", "reason")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    """Read-only here; "Change tier, cap, verification" goes through the service (audited,
    re-indexed)."""

    list_display = ["member", "membership_tier", "listing_cap_override", "verified", "updated_at"]
    list_filter = ["membership_tier", "verified"]
    search_fields = ["member__member_id", "member__company_name"]
    fields = readonly_fields = (
        "member",
        "staff_decisions",
        "membership_tier",
        "listing_cap_override",
        "verified",
        "badges",
        "description",
        "main_products",
        "year_established",
        "export_markets",
    )
    inlines = [SupplierProfileChangeInline, CertificationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Staff decisions")
    def staff_decisions(self, obj: SupplierProfile) -> str:
        url = reverse("admin:catalog_supplierprofile_staff", args=[obj.pk])
        return format_html('<a class="button" href="{}">Change tier, cap, verification</a>', url)

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<int:profile_id>/staff/",
                self.admin_site.admin_view(self.staff_view),
                name="catalog_supplierprofile_staff",
            )
        ]
        return urls + super().get_urls()

    def staff_view(self, request: HttpRequest, profile_id: int) -> HttpResponse:
        """Clause 6.2 (iii) and verification: staff decide, the service audits and re-indexes."""
        if not request.user.has_perm("catalog.change_supplierprofile"):
            raise PermissionDenied
        profile = get_object_or_404(SupplierProfile.objects.select_related("member"), pk=profile_id)
        initial = {
            "membership_tier": profile.membership_tier,
            "listing_cap_override": profile.listing_cap_override,
            "verified": profile.verified,
            "badges": ", ".join(profile.badges or []),
        }
        form = SupplierStaffForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.supplier_profile_staff_update(
                    member=profile.member,
                    by=request_user(request),
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                self.message_user(request, f"{profile} saved.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:catalog_supplierprofile_change", args=[profile.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Tier, cap and verification of {profile.member}",
            "form": form,
            "submit": "Save",
            "original": profile,
        }
        return TemplateResponse(request, "admin/console_form.html", context)


# --- Categories (from policy/categories.toml) --------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "parent", "position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["slug", "name"]
    readonly_fields = ["slug", "name", "parent", "position", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- Product Listing Policy versions ------------------------------------------------------


class ListingPolicyVersionForm(forms.ModelForm):
    activate = forms.BooleanField(required=False, help_text="Put this version in force now.")

    class Meta:
        model = ListingPolicyVersion
        fields = ["document", "notes"]
        widgets = {
            "document": forms.Textarea(attrs={"rows": 40, "cols": 110, "class": "vLargeTextField"})
        }

    def clean_document(self) -> str:
        document = self.cleaned_data["document"]
        try:
            policy = _parse(
                document, source="this version", known_categories=load_categories().slugs()
            )
        except PolicyError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if ListingPolicyVersion.objects.filter(version=policy.version).exists():
            raise forms.ValidationError(f"Version {policy.version!r} exists: bump `version`.")
        self.policy = policy
        return document


@admin.register(ListingPolicyVersion)
class ListingPolicyVersionAdmin(admin.ModelAdmin):
    """Staff replace the bundled policy/listing_policy.toml with a validated version."""

    form = ListingPolicyVersionForm
    list_display = ["version", "is_active", "created_by", "created_at", "activated_at"]
    actions = ["activate_version", "use_bundled_file"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ListingPolicyVersion | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return [
            "version",
            "document",
            "sha256",
            "notes",
            "is_active",
            "created_by",
            "created_at",
            "activated_by",
            "activated_at",
        ]

    def get_fields(
        self, request: HttpRequest, obj: ListingPolicyVersion | None = None
    ) -> list[str | list[str] | tuple[str, ...]]:
        if obj is None:
            return ["document", "notes", "activate"]
        return list(self.get_readonly_fields(request, obj))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, str | list[str]]:
        from tradepost.catalog.policy import bundled_listing_policy_text

        active = ListingPolicyVersion.objects.filter(is_active=True).first()
        return {"document": active.document if active else bundled_listing_policy_text()}

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: ListingPolicyVersion,
        form: ListingPolicyVersionForm,
        change: bool,
    ) -> None:
        if change:
            return
        row = services.listing_policy_version_create(
            document=form.cleaned_data["document"],
            notes=form.cleaned_data["notes"],
            activate=form.cleaned_data.get("activate", False),
            by=request_user(request),
        )
        obj.pk, obj.version, obj.is_active = row.pk, row.version, row.is_active

    @admin.action(description="Put the selected version in force")
    def activate_version(
        self, request: HttpRequest, queryset: QuerySet[ListingPolicyVersion]
    ) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.ERROR)
            return
        version = queryset.get()
        services.listing_policy_version_activate(version_id=version.pk, by=request_user(request))
        self.message_user(
            request, f"Listing policy {version.version} is in force.", messages.SUCCESS
        )

    @admin.action(description="Use the bundled policy file instead")
    def use_bundled_file(
        self, request: HttpRequest, queryset: QuerySet[ListingPolicyVersion]
    ) -> None:
        services.listing_policy_version_activate(version_id=None, by=request_user(request))
        version = listing_policy_in_force().version
        self.message_user(
            request, f"The bundled listing policy ({version}) is in force.", messages.SUCCESS
        )


@admin.register(ListingPolicyActivation)
class ListingPolicyActivationAdmin(admin.ModelAdmin):
    """Every activation, with the staff member who made it (empty version: the bundled file)."""

    list_display = ["at", "version", "by"]
    list_select_related = ["version", "by"]
    readonly_fields = ["at", "version", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
