"""The console's information requests (clauses 5.9, 7.5) and disclosure register (6.4).

Records are read-only; every change goes through the services: asking (the add form), closing,
confirming or dismissing a proposed suspension, registering a disclosure request, legal
counsel's decision and the export. Each action that needs words asks for them on the shared
reason page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from tradepost.console import (
    REASON_TEMPLATE,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    form_add_domain_error,
    grouped_errors,
    table_rows,
)
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.requests import request_user
from tradepost.policy.disclosure import load_disclosure_policy
from tradepost.trust.api.files import information_file_url
from tradepost.trust.models.requests import (
    DisclosureDecision,
    DisclosureRequest,
    InformationRequest,
    InformationRequestFile,
)
from tradepost.trust.rules import requests as rules
from tradepost.trust.services import disclosure as disclosure_services
from tradepost.trust.services import requests as request_services


def _reason_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    intro: str,
    submit: str,
    apply: Callable[[Any, dict[str, Any]], Any],
    form_class: type[forms.Form] = ReasonForm,
) -> HttpResponse | None:
    """An admin action that asks for a reason (and more), then calls `apply` per object."""
    objects = list(queryset.order_by("pk"))
    form = form_class(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done: list[str] = []
        failures: dict[str, list[str]] = {}
        for obj in objects:
            try:
                apply(obj, form.cleaned_data)
            except InvalidInput as exc:
                form_add_domain_error(form, exc)
                break
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(f"#{obj.pk}")
            else:
                done.append(f"#{obj.pk}")
                model_admin.log_change(request, obj, f"{submit}: {form.cleaned_data}")
        else:
            if done:
                messages.success(request, f"{submit}: {', '.join(done)}.")
            grouped_errors(request, failures)
            return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        **table_rows(["Request", "Summary"], ([f"#{o.pk}", str(o)] for o in objects)),
        "form": form,
        "action": action,
        "selected": [o.pk for o in objects],
        "single": None,
        "submit_label": submit,
        "cancel_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
        ),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, REASON_TEMPLATE, context)


# --- Information requests -------------------------------------------------------------------


class InformationRequestForm(forms.ModelForm):
    class Meta:
        model = InformationRequest
        fields = ["member", "clause", "questions", "deadline"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deadline = data.get("deadline")
        if deadline is not None:
            problem = rules.information_deadline_problem(
                deadline=deadline,
                now=timezone.now(),
                policy=load_disclosure_policy().information_requests,
            )
            if problem:
                self.add_error("deadline", problem)
        return data


class InformationFileInline(ReadOnlyInline):
    """The member's files, each a download through the staff API (never from /media/)."""

    model = InformationRequestFile
    fields = readonly_fields = ("download", "content_type", "size", "sha256", "uploaded_at")
    verbose_name_plural = "Files the member sent"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("trust.view_informationrequest")

    @admin.display(description="File")
    def download(self, obj: InformationRequestFile) -> str:
        url = information_file_url(obj, staff=True)
        return format_html('<a href="{}" download>{}</a>', url, obj.original_name)


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    """Clauses 5.9, 7.5: ask (Add), close, and confirm or dismiss a proposed suspension."""

    list_display = ("id", "member", "clause", "status", "deadline", "asked_by", "created_at")
    list_filter = ("status", "clause", "suspension_decision")
    search_fields = ("member__member_id", "member__company_name", "questions")
    list_select_related = ("member", "asked_by")
    inlines = [InformationFileInline]
    actions = ["close", "suspension_confirm", "suspension_dismiss"]
    raw_id_fields = ("member",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_informationrequest")

    def has_close_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.change_informationrequest")

    def has_suspension_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_action")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = InformationRequestForm
            kwargs["fields"] = InformationRequestForm.Meta.fields
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return list(InformationRequestForm.Meta.fields)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else super().get_exclude(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else list(self.inlines)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The service asks (and tells the member); the form only collected the fields."""
        created = request_services.information_request_create(
            member=form.cleaned_data["member"],
            clause=form.cleaned_data["clause"],
            questions=form.cleaned_data["questions"],
            deadline=form.cleaned_data["deadline"],
            by=request_user(request),
        )
        obj.pk = created.pk
        obj.status = created.status

    def get_queryset(self, request: HttpRequest) -> QuerySet[InformationRequest]:
        request_services.information_requests_deadlines_apply()
        return super().get_queryset(request)

    @admin.action(description="Close selected requests…", permissions=["close"])
    def close(self, request: HttpRequest, queryset: QuerySet[InformationRequest]) -> Any:
        by = request_user(request)
        return _reason_page(
            self,
            request,
            queryset,
            action="close",
            title="Close information requests",
            intro="Closing ends a request: the member can no longer answer it.",
            submit="Close",
            apply=lambda obj, data: request_services.information_request_close(
                request_id=obj.pk, reason=data["reason"], by=by
            ),
        )

    @admin.action(description="Confirm the proposed suspension…", permissions=["suspension"])
    def suspension_confirm(
        self, request: HttpRequest, queryset: QuerySet[InformationRequest]
    ) -> Any:
        by = request_user(request)
        return _reason_page(
            self,
            request,
            queryset,
            action="suspension_confirm",
            title="Suspend for an unanswered information request",
            intro=(
                "Clauses 5.9 and 7.5: the member did not provide the information by the "
                "deadline. Confirming suspends the account now (a disciplinary action, 6.2 i, "
                "with its statement of reasons and notice to the member)."
            ),
            submit="Suspend",
            apply=lambda obj, data: request_services.information_request_suspension_decide(
                request_id=obj.pk, confirm=True, reason=data["reason"], by=by
            ),
        )

    @admin.action(description="Dismiss the proposed suspension…", permissions=["suspension"])
    def suspension_dismiss(
        self, request: HttpRequest, queryset: QuerySet[InformationRequest]
    ) -> Any:
        by = request_user(request)
        return _reason_page(
            self,
            request,
            queryset,
            action="suspension_dismiss",
            title="Dismiss the proposed suspension",
            intro="The account stays as it is; the reason is kept in the audit trail.",
            submit="Dismiss",
            apply=lambda obj, data: request_services.information_request_suspension_decide(
                request_id=obj.pk, confirm=False, reason=data["reason"], by=by
            ),
        )


# --- Disclosure requests --------------------------------------------------------------------


def _category_choices() -> list[tuple[str, str]]:
    policy = load_disclosure_policy()
    return [(key, policy.categories[key].title) for key in policy.category_keys]


def _member_ids(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


class DisclosureRegisterForm(forms.ModelForm):
    member_ids_text = forms.CharField(
        label="Member IDs in scope",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more member IDs, separated by spaces, commas or lines.",
    )
    categories_choice = forms.MultipleChoiceField(
        label="Data categories in scope", widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = DisclosureRequest
        fields = [
            "requester_name",
            "requester_organisation",
            "requester_type",
            "country",
            "legal_basis",
            "reference",
            "description",
            "received_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories_choice"].choices = _category_choices()  # type: ignore[attr-defined]


class DecideForm(ReasonForm):
    decision = forms.ChoiceField(choices=DisclosureDecision.choices, widget=forms.RadioSelect)
    member_ids = forms.CharField(
        required=False,
        label="Members approved (partial approval only)",
        help_text="Leave empty to keep every member of the request.",
    )
    categories = forms.MultipleChoiceField(
        required=False,
        label="Categories approved (partial approval only)",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text="Leave empty to keep every category of the request.",
    )
    field_order = ["decision", "reason", "member_ids", "categories"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = _category_choices()  # type: ignore[attr-defined]


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(ReadOnlyAdmin):
    """Clause 6.4: register (Add), decide (legal counsel, not the registrar) and export."""

    list_display = (
        "id",
        "reference",
        "requester_type",
        "country",
        "legal_basis",
        "status",
        "received_at",
        "decided_at",
        "fulfilled_at",
    )
    list_filter = ("decision", "legal_basis", "requester_type", "country")
    search_fields = ("reference", "requester_name", "requester_organisation")
    readonly_fields = ("download",)
    actions = ["decide", "export"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_disclosurerequest")

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.decide_disclosurerequest")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.export_disclosurerequest")

    @admin.display(description="Export")
    def download(self, obj: DisclosureRequest) -> str:
        if not obj.export_file:
            return "—"
        url = reverse("api:disclosure_export_download", args=[obj.pk])
        return format_html('<a href="{}">Download the zip</a> (SHA-256 {})', url, obj.export_sha256)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = DisclosureRegisterForm
            kwargs["fields"] = [
                *DisclosureRegisterForm.Meta.fields,
                "member_ids_text",
                "categories_choice",
            ]
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return [*DisclosureRegisterForm.Meta.fields, "member_ids_text", "categories_choice"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else super().get_exclude(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = disclosure_services.disclosure_request_register(
            data=disclosure_services.DisclosureInput(
                requester_name=data["requester_name"],
                requester_organisation=data.get("requester_organisation", ""),
                requester_type=data["requester_type"],
                country=data["country"],
                legal_basis=data["legal_basis"],
                reference=data["reference"],
                description=data.get("description", ""),
                member_ids=_member_ids(data["member_ids_text"]),
                categories=data["categories_choice"],
                received_at=data.get("received_at"),
            ),
            by=request_user(request),
        )
        obj.pk = created.pk

    @admin.action(description="Decide (legal review)…", permissions=["decide"])
    def decide(self, request: HttpRequest, queryset: QuerySet[DisclosureRequest]) -> Any:
        by = request_user(request)

        def apply(obj: DisclosureRequest, data: dict[str, Any]) -> DisclosureRequest:
            partial = data["decision"] == DisclosureDecision.PARTIALLY_APPROVED
            return disclosure_services.disclosure_request_decide(
                request_id=obj.pk,
                decision=data["decision"],
                reason=data["reason"],
                member_ids=(_member_ids(data["member_ids"]) or None) if partial else None,
                categories=(data["categories"] or None) if partial else None,
                by=by,
            )

        return _reason_page(
            self,
            request,
            queryset,
            action="decide",
            title="Decide disclosure requests",
            intro=(
                "Clause 6.4: disclose only to the extent applicable laws permit. The staff "
                "member who registered a request cannot decide it."
            ),
            submit="Decide",
            apply=apply,
            form_class=DecideForm,
        )

    @admin.action(description="Export the approved data", permissions=["export"])
    def export(self, request: HttpRequest, queryset: QuerySet[DisclosureRequest]) -> None:
        by = request_user(request)
        done: list[str] = []
        failures: dict[str, list[str]] = {}
        for obj in queryset.order_by("pk"):
            try:
                disclosure_services.disclosure_export(request_id=obj.pk, by=by)
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(f"#{obj.pk}")
            else:
                done.append(f"#{obj.pk}")
        if done:
            messages.success(request, f"Exported: {', '.join(done)}.")
        grouped_errors(request, failures)
