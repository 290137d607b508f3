"""Console for verification (clause 7.2): staff read the request, download its documents,
record a check per field and decide. Every write goes through the services (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from tradepost.billing.models import (
    CheckResult,
    VerificationCheck,
    VerificationDocument,
    VerificationRequest,
    VerificationStatus,
)
from tradepost.billing.selectors.verification import document_label, field_label
from tradepost.billing.services import verification as services
from tradepost.console import ReadOnlyInline, form_add_domain_error
from tradepost.errors import DomainError
from tradepost.members.requests import request_user


class VerificationCheckInline(ReadOnlyInline):
    model = VerificationCheck
    fields = readonly_fields = (
        "field",
        "claimed_value",
        "result",
        "verified_value",
        "note",
        "checked_by",
        "checked_at",
        "provider",
    )


class VerificationDocumentInline(ReadOnlyInline):
    model = VerificationDocument
    fields = readonly_fields = ("kind", "download", "content_type", "size", "uploaded_at")

    @admin.display(description="Document")
    def download(self, obj: VerificationDocument) -> str:
        url = reverse("billing:verification_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, document_label(obj.kind))


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    """Read-only here; "Record checks and decide" goes through the services."""

    list_display = ["id", "supplier", "status", "provider", "submitted_at", "expires_at"]
    list_filter = ["status", "provider"]
    search_fields = ["supplier__member_id", "supplier__company_name"]
    fields = readonly_fields = (
        "supplier",
        "review",
        "status",
        "membership_tier",
        "provider",
        "provider_reference",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "verified_at",
        "expires_at",
        "expired_at",
    )
    inlines = [VerificationCheckInline, VerificationDocumentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Staff decision")
    def review(self, obj: VerificationRequest) -> str:
        if not obj.is_open:
            return "-"
        url = reverse("admin:billing_verificationrequest_review", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record checks and decide</a>', url)

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<int:request_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="billing_verificationrequest_review",
            )
        ]
        return urls + super().get_urls()

    def review_view(self, request: HttpRequest, request_id: int) -> HttpResponse:
        """Clause 7.2: the checks and the decision in one form; all or nothing."""
        if not request.user.has_perm("billing.change_verificationrequest"):
            raise PermissionDenied
        verification = get_object_or_404(
            VerificationRequest.objects.select_related("supplier"), pk=request_id
        )
        checks = list(verification.checks.all())
        form = ReviewForm(request.POST or None, checks=checks)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    form.apply(verification, by=request_user(request))
            except DomainError as exc:
                form_add_domain_error(form, exc, message=True)
            else:
                self.message_user(request, f"{verification} saved.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:billing_verificationrequest_change", args=[verification.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Checks and decision on {verification}",
            "form": form,
            "submit": "Save",
            "original": verification,
        }
        return TemplateResponse(request, "admin/console_form.html", context)


_RESULTS = [("", "Leave as it is")] + [
    (value, label) for value, label in CheckResult.choices if value != CheckResult.PENDING
]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        required=False,
        choices=[
            ("", "No decision yet"),
            (VerificationStatus.VERIFIED, "Verified: publish the verified fields"),
            (VerificationStatus.REJECTED, "Rejected"),
        ],
        help_text="Verified needs every field checked and at least one verified.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Required to reject; the supplier sees it.",
    )

    def __init__(self, *args: Any, checks: list[VerificationCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            label = field_label(check.field)
            self.fields[f"result_{check.field}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=_RESULTS,
                help_text=f"Claimed: {check.claimed_value!r}. Now: {check.get_result_display()}.",
            )
            self.fields[f"value_{check.field}"] = forms.CharField(
                label=f"{label}: verified value",
                required=False,
                max_length=500,
                help_text="Leave empty to confirm the claimed value as it is.",
            )
            self.fields[f"note_{check.field}"] = forms.CharField(
                label=f"{label}: note (staff only)", required=False, max_length=2000
            )
        self.order_fields([*(f for f in self.fields if f not in ("decision", "reason"))])

    def apply(self, verification: VerificationRequest, *, by: Any) -> None:
        data = self.cleaned_data
        for check in self.checks:
            result = data.get(f"result_{check.field}")
            if result:
                services.verification_check_record(
                    verification_id=verification.pk,
                    field=check.field,
                    result=result,
                    verified_value=data.get(f"value_{check.field}", ""),
                    note=data.get(f"note_{check.field}", ""),
                    by=by,
                )
        if data.get("decision"):
            services.verification_decide(
                verification_id=verification.pk,
                decision=data["decision"],
                by=by,
                reason=data.get("reason", ""),
            )
