"""Clause 4.1: duplicate signals and the second accounts staff approve."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from tradepost.console import (
    REASON_TEMPLATE,
    ReadOnlyAdmin,
    ReasonForm,
    form_add_domain_error,
    grouped_errors,
    table_rows,
)
from tradepost.errors import DomainError, InvalidInput
from tradepost.members import services
from tradepost.members.models import DuplicateSignal, SecondAccountApproval, SignalOutcome
from tradepost.members.requests import request_user


@admin.register(DuplicateSignal)
class DuplicateSignalAdmin(ReadOnlyAdmin):
    """Registrations that matched an existing member (4.1); staff may approve a second one."""

    list_display = [
        "created_at",
        "signal",
        "attempted_company",
        "outcome",
        "new_member",
    ]
    list_filter = ["outcome", "kind"]
    search_fields = ["value", "existing_member__member_id", "existing_member__company_name"]
    list_select_related = ["existing_member", "new_member"]
    actions = ["approve_second_account"]

    @admin.display(description="Signal", ordering="kind")
    def signal(self, obj: DuplicateSignal) -> str:
        """ "Phone +86755 … shared with cn8261957264", the member id linking to their page."""
        url = reverse("admin:members_member_change", args=[obj.existing_member_id])
        return format_html(
            '{} {} <span class="tp-muted">{}</span> <a href="{}">{}</a>'
            '<span class="tp-muted tp-waiting-since">{}</span>',
            obj.get_kind_display(),
            obj.masked_value(),
            gettext("shared with"),
            url,
            obj.existing_member.member_id,
            obj.existing_member.company_name,
        )

    @admin.display(description="Attempted by")
    def attempted_company(self, obj: DuplicateSignal) -> str:
        attempt = obj.attempt or {}
        return f"{attempt.get('company_name', '')} ({attempt.get('country', '')})"

    def has_approve_second_account_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.add_secondaccountapproval")

    @admin.action(description="Approve a second account…", permissions=["approve_second_account"])
    def approve_second_account(
        self, request: HttpRequest, queryset: QuerySet[DuplicateSignal]
    ) -> HttpResponse | None:
        signals = list(queryset.select_related("existing_member").order_by("pk"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and self._approve(request, signals, form):
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Approve a second account",
            "intro": (
                "Clause 4.1: one user, one member account, except with the operator's "
                "approval. Approving lets the registrant of each selected attempt register "
                f"once more within {services.SECOND_ACCOUNT_APPROVAL_DAYS} days. Signals of "
                "the same attempt give one approval."
            ),
            **table_rows(
                ["Signal", "Matched", "Existing member", "Attempted by", "Outcome"],
                (
                    [
                        f"#{s.pk}",
                        f"{s.get_kind_display()}: {s.value}",
                        s.existing_member,
                        self.attempted_company(s),
                        s.get_outcome_display(),
                    ]
                    for s in signals
                ),
            ),
            "form": form,
            "action": "approve_second_account",
            "selected": [s.pk for s in signals],
            "submit_label": "Approve",
            "cancel_url": reverse("admin:members_duplicatesignal_changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)

    def _approve(
        self, request: HttpRequest, signals: list[DuplicateSignal], form: ReasonForm
    ) -> bool:
        reason = form.cleaned_data["reason"]
        attempts: dict[str, DuplicateSignal] = {}
        settled = []
        for signal in signals:
            if signal.outcome != SignalOutcome.REFUSED:
                settled.append(f"#{signal.pk}")
            else:
                attempts.setdefault(json.dumps(signal.attempt, sort_keys=True), signal)
        approved = []
        failures: dict[str, list[str]] = {}
        for signal in attempts.values():
            try:
                approval = services.second_account_approve(
                    signal=signal, by=request_user(request), reason=reason
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
                form_add_domain_error(form, exc)
                return False
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(f"#{signal.pk}")
                continue
            approved.append(f"#{approval.pk} for {self.attempted_company(signal)}")
            self.log_change(request, signal, f"Second account approved (#{approval.pk}): {reason}")
        if approved:
            messages.success(request, f"Second account approved: {'; '.join(approved)}.")
        if settled:
            messages.warning(
                request,
                f"{', '.join(settled)}: already an approved registration; nothing to approve.",
            )
        grouped_errors(request, failures)
        return True


@admin.register(SecondAccountApproval)
class SecondAccountApprovalAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "email",
        "phone",
        "registration_number",
        "approved_by",
        "expires_at",
        "used_by",
        "used_at",
    ]
    list_filter = [("used_by", admin.EmptyFieldListFilter)]
    search_fields = ["email", "phone", "registration_number", "used_by__member_id"]
    list_select_related = ["approved_by", "used_by"]
