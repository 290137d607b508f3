"""The console's disciplinary actions (clause 6.2) and appeals.

Read-only records; every change goes through `trust.services.actions`: approve (four eyes:
not the proposer), reject, lift, and deciding an appeal, each from the changelist's actions
with a reason where the service needs one. "Add action" takes one through
`action_take`, exactly as `POST /api/v1/staff/actions` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from tradepost.console import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    each_with_messages,
    form_add_domain_error,
    reason_page,
)
from tradepost.errors import DomainError
from tradepost.members.requests import request_user
from tradepost.trust.admin.forms import ActionTakeForm, form_page
from tradepost.trust.models.actions import Action, ActionStatus, Appeal, AppealOutcome
from tradepost.trust.models.evidence import AppealEvidence
from tradepost.trust.services import actions as services


class OutcomeForm(ReasonForm):
    outcome = forms.ChoiceField(choices=AppealOutcome.choices, widget=forms.RadioSelect)
    field_order = ["outcome", "reason"]


def _action_row(action: Action) -> list[Any]:
    return [
        f"#{action.pk}",
        action.member.member_id,
        action.get_kind_display(),
        action.clause,
        action.effective_status,
        action.created_by or "system",
    ]


def _action_field(key: str) -> str:
    return "member_id" if key == "member" else key


ACTION_HEADERS = ["Action", "Member", "Kind", "Clause", "Status", "Taken by"]


class ChildInline(admin.TabularInline):
    """The related accounts a cluster action reaches (6.2 i)."""

    model = Action
    fk_name = "parent"
    fields = readonly_fields = ("member", "status", "starts_at", "ended_at")
    extra = 0
    can_delete = False
    verbose_name_plural = "Related accounts reached (6.2 i)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    """Clause 6.2: every disciplinary action, its statement of reasons and its four eyes."""

    list_display = [
        "id",
        "member",
        "kind",
        "clause",
        "status",
        "ends_at",
        "created_by",
        "decided_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "clause", "source", "include_related"]
    search_fields = ["member__member_id", "member__company_name", "reason", "case_ref"]
    list_select_related = ["member", "created_by", "decided_by"]
    inlines = [ChildInline]
    actions = ["approve", "reject", "lift"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_action")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Clause 6.2: take an action through `action_take` (never a bare save); a refusal
        shows on the form. Terminations and cluster suspensions wait for four eyes."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"member_id": request.GET.get("member_id", "")[:32]}
        form = ActionTakeForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                action = services.action_take(
                    member=data["member_id"],
                    kind=data["kind"],
                    clause=data["clause"],
                    reason=data["reason"],
                    by=request_user(request),
                    include_related=data["include_related"],
                    ends_at=data["ends_at"],
                    feature=data["feature"],
                    cap=data["cap"],
                )
            except DomainError as exc:
                form_add_domain_error(form, exc, field_for=_action_field)
            else:
                self.log_addition(request, action, f"Taken: {data['reason']}")
                state = (
                    "pending a second staff member's approval"
                    if action.status == ActionStatus.PENDING_APPROVAL
                    else "in force"
                )
                messages.success(
                    request,
                    f"Action #{action.pk} ({action.get_kind_display()}) on "
                    f"{action.member.member_id}: {state}.",
                )
                return HttpResponseRedirect(reverse("admin:trust_action_change", args=[action.pk]))
        return form_page(
            self,
            request,
            form,
            title="Take an action",
            intro=(
                "Clause 6.2. The reason is the statement of reasons told to the member. Any "
                "termination, and suspending or terminating a related cluster, waits for a "
                "second staff member's approval; everything else is in force at once."
            ),
            submit_label="Take action",
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.approve_action")

    def has_lift_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.change_action")

    @admin.action(description="Approve (four eyes: not your own proposal)", permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Action]) -> None:
        by = request_user(request)
        each_with_messages(
            request,
            list(queryset.order_by("pk")),
            lambda a: services.action_approve(action=a, by=by),
            "Approved and in force",
        )

    @admin.action(description="Reject a proposal…", permissions=["approve"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Action]) -> HttpResponse | None:
        return self._with_reason(request, queryset, "reject", "Reject", services.action_reject)

    @admin.action(description="Lift (end now)…", permissions=["lift"])
    def lift(self, request: HttpRequest, queryset: QuerySet[Action]) -> HttpResponse | None:
        return self._with_reason(request, queryset, "lift", "Lift", services.action_lift)

    def _with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[Action],
        name: str,
        title: str,
        service: Callable[..., Any],
    ) -> HttpResponse | None:
        actions = list(queryset.select_related("member", "created_by").order_by("pk"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and form.cleaned_data["reason"].strip():
            by = request_user(request)
            reason = form.cleaned_data["reason"]
            each_with_messages(
                request,
                actions,
                lambda a: service(action=a, by=by, reason=reason),
                f"{title} done",
            )
            return None
        if form.is_bound:
            form.add_error("reason", "A reason is required.")
        return reason_page(
            self,
            request,
            actions,
            form,
            action=name,
            title=title,
            intro="Clause 6.2. The reason is kept with the audit record and told to the member.",
            headers=ACTION_HEADERS,
            row=_action_row,
        )


class AppealEvidenceInline(ReadOnlyInline):
    """DSA Art. 20: the files the member gave with the appeal, each a download (through the
    staff API's download, which answers `attachment` and is never cached)."""

    model = AppealEvidence
    fields = readonly_fields = ("download", "content_type", "size", "sha256", "uploaded_at")
    verbose_name_plural = "Evidence the member gave"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("trust.view_appeal")

    @admin.display(description="File")
    def download(self, obj: AppealEvidence) -> str:
        url = reverse("api:appeal_evidence_download", args=[obj.appeal_id, obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, obj.original_name)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """Appeals against actions (DSA Art. 20): decided by staff other than who acted, on the
    member's statement and evidence files."""

    list_display = [
        "id",
        "action",
        "member",
        "filed_at",
        "evidence_count",
        "outcome",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["outcome"]
    search_fields = ["member__member_id", "statement"]
    list_select_related = ["action", "member", "decided_by"]
    inlines = [AppealEvidenceInline]
    actions = ["decide"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        return super().get_queryset(request).annotate(evidence_files_count=Count("evidence_files"))

    @admin.display(description="Evidence files", ordering="evidence_files_count")
    def evidence_count(self, obj: Any) -> int:
        return obj.evidence_files_count

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.decide_appeal")

    @admin.action(description="Decide (uphold or overturn)…", permissions=["decide"])
    def decide(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> HttpResponse | None:
        appeals = list(queryset.select_related("action", "member").order_by("pk"))
        form = OutcomeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and form.cleaned_data["reason"].strip():
            by = request_user(request)
            outcome, reason = form.cleaned_data["outcome"], form.cleaned_data["reason"]
            each_with_messages(
                request,
                appeals,
                lambda a: services.appeal_decide(appeal=a, outcome=outcome, reason=reason, by=by),
                f"Decided ({outcome})",
            )
            return None
        if form.is_bound and not form.errors:
            form.add_error("reason", "A reason is required.")
        return reason_page(
            self,
            request,
            appeals,
            form,
            action="decide",
            title="Decide appeal",
            intro=(
                "A staff member who took or approved the action cannot decide its appeal. "
                "Overturning lifts the action; the member is told the outcome."
            ),
            headers=["Appeal", "Member", "Action", "Statement"],
            row=lambda a: [f"#{a.pk}", a.member.member_id, f"#{a.action_id}", a.statement[:200]],
        )
