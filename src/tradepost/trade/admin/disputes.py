"""Console: disputes with their deadlines (issue 11, clause 7.3) and the staff decision,
and feedback with the void and release actions (clause 3.6). Every write goes through the
services (which write the audit rows); the pages themselves change nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tradepost.console import ReadOnlyAdmin, form_add_domain_error
from tradepost.errors import DomainError
from tradepost.members.requests import request_user
from tradepost.money import decimal_str
from tradepost.trade.models.disputes import Dispute, DisputeStatus
from tradepost.trade.models.feedback import Feedback, FeedbackStatus
from tradepost.trade.services import disputes as dispute_services
from tradepost.trade.services import feedback as feedback_services

FORM_TEMPLATE = "admin/console_form.html"


class DecideForm(forms.Form):
    refund_amount = forms.DecimalField(
        min_value=0, decimal_places=4, help_text="0 decides for the supplier."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Kept with the decision and the audit record; cite the evidence.",
    )


class VoidForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "order",
        "status",
        "reason",
        "refund_requested",
        "respond_by",
        "auto_escalate_at",
        "decide_by_shown",
        "decide_link",
    )
    list_filter = ("status", "reason")
    search_fields = ("=id", "=order__id", "order__buyer__member_id", "order__supplier__member_id")
    list_select_related = ("order",)
    ordering = ("decide_by", "-opened_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Decide by", ordering="decide_by")
    def decide_by_shown(self, obj: Dispute) -> SafeString | str:
        if obj.decide_by is None:
            return "-"
        late = obj.status == DisputeStatus.ESCALATED and obj.decide_by < timezone.now()
        return format_html(
            "{}{}", obj.decide_by.strftime("%Y-%m-%d %H:%M"), " (overdue)" if late else ""
        )

    @admin.display(description="Decision")
    def decide_link(self, obj: Dispute) -> SafeString | str:
        if obj.status != DisputeStatus.ESCALATED:
            return obj.get_status_display()
        return format_html(
            '<a href="{}">Decide…</a>', reverse("admin:trade_dispute_decide", args=[obj.pk])
        )

    def get_urls(self) -> list[URLPattern]:
        decide = path(
            "<int:dispute_id>/decide/",
            self.admin_site.admin_view(self.decide_view),
            name="trade_dispute_decide",
        )
        return [decide, *super().get_urls()]

    def decide_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        """Clause 7.3: staff decide an escalated dispute through `dispute_decide`."""
        if not request.user.has_perm("trade.decide_dispute"):
            raise PermissionDenied
        dispute = Dispute.objects.select_related("order").filter(pk=dispute_id).first()
        if dispute is None:
            raise Http404("No such dispute.")
        dispute = dispute_services.dispute_timers_run(dispute=dispute)
        form = DecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                dispute_services.dispute_decide(
                    dispute=dispute,
                    refund_amount=form.cleaned_data["refund_amount"],
                    reason=form.cleaned_data["reason"],
                    by=request_user(request),
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, f"Dispute {dispute.pk} decided.")
                return redirect(reverse("admin:trade_dispute_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": dispute,
            "title": (
                f"Decide dispute {dispute.pk} ({dispute.get_reason_display()}): the buyer asks "
                f"{decimal_str(dispute.refund_requested)} {dispute.order.currency}; decide by "
                f"{dispute.decide_by:%Y-%m-%d %H:%M}"
                if dispute.decide_by
                else f"Decide dispute {dispute.pk}"
            ),
            "form": form,
            "submit": "Decide",
        }
        return TemplateResponse(request, FORM_TEMPLATE, context, status=422 if form.errors else 200)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "rater", "ratee", "rating", "status", "created_at", "tools")
    list_filter = ("status", "rating", "role")
    search_fields = ("=id", "=order__id", "rater__member_id", "ratee__member_id")
    list_select_related = ("rater", "ratee")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Actions")
    def tools(self, obj: Feedback) -> SafeString | str:
        if obj.status == FeedbackStatus.VOIDED:
            return "-"
        return format_html(
            '<a href="{}">Void…</a>{}',
            reverse("admin:trade_feedback_void", args=[obj.pk]),
            format_html(
                ' <a href="{}">Release…</a>',
                reverse("admin:trade_feedback_release", args=[obj.pk]),
            )
            if obj.status == FeedbackStatus.HELD
            else "",
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:feedback_id>/void/",
                self.admin_site.admin_view(self.void_view),
                name="trade_feedback_void",
            ),
            path(
                "<int:feedback_id>/release/",
                self.admin_site.admin_view(self.release_view),
                name="trade_feedback_release",
            ),
            *super().get_urls(),
        ]

    def _feedback(self, request: HttpRequest, feedback_id: int) -> Feedback:
        if not request.user.has_perm("trade.void_feedback"):
            raise PermissionDenied
        feedback = Feedback.objects.filter(pk=feedback_id).first()
        if feedback is None:
            raise Http404("No such feedback.")
        return feedback

    def void_view(self, request: HttpRequest, feedback_id: int) -> HttpResponse:
        """Clause 3.6: void feedback with a reason (`feedback_void`)."""
        feedback = self._feedback(request, feedback_id)
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                feedback_services.feedback_void(
                    feedback=feedback, by=request_user(request), reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, f"Feedback {feedback.pk} voided.")
                return redirect(reverse("admin:trade_feedback_changelist"))
        return self._form(request, feedback, form, f"Void feedback {feedback.pk}", "Void")

    def release_view(self, request: HttpRequest, feedback_id: int) -> HttpResponse:
        """Release held feedback: it counts from now on (`feedback_release`)."""
        feedback = self._feedback(request, feedback_id)
        form = forms.Form(request.POST or None)
        if request.method == "POST":
            try:
                feedback_services.feedback_release(feedback=feedback, by=request_user(request))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Feedback {feedback.pk} released.")
            return redirect(reverse("admin:trade_feedback_changelist"))
        return self._form(request, feedback, form, f"Release feedback {feedback.pk}", "Release")

    def _form(
        self, request: HttpRequest, obj: Feedback, form: forms.Form, title: str, submit: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{title}: {obj.rating}/5 «{obj.comment[:80]}»",
            "form": form,
            "submit": submit,
        }
        return TemplateResponse(request, FORM_TEMPLATE, context)
