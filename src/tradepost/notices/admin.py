"""Operator console for notices. Every change goes through a service; the admin only asks.

Staff issue a notice to a member (the "Add" page), record the physical dispatch of a courier,
certified mail, personal or fax notice, register inbound legal notices (11.1) and follow the
progress of Terms update fan-outs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline, field_names, form_add_domain_error
from tradepost.errors import DomainError
from tradepost.members.requests import request_user
from tradepost.notices import selectors, services
from tradepost.notices.forms import DispatchRecordForm, InboundNoticeForm, NoticeIssueForm
from tradepost.notices.models import (
    DeliveryStatus,
    EmailAttempt,
    EmailDelivery,
    InboundLegalNotice,
    Notice,
    NoticeCampaign,
    StaffAction,
)
from tradepost.notices.rules import PHYSICAL_CHANNELS


def _form_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    obj: Model | None = None,
) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "submit": submit,
        "original": obj,
    }
    return TemplateResponse(request, "admin/console_form.html", context)


class DeemedRuleFilter(admin.SimpleListFilter):
    """The 11.2 rule that deemed a notice received; "Not yet deemed received" for the blank."""

    title = "deemed receipt rule"
    parameter_name = "deemed_rule"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        rules = Notice.objects.order_by("deemed_rule").values_list("deemed_rule", flat=True)
        return [(rule or "-", rule or "Not yet deemed received") for rule in rules.distinct()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notice]) -> QuerySet[Notice]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(deemed_rule="" if value == "-" else value)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "member",
        "kind",
        "channel",
        "sent_at",
        "deemed_received_at",
        "deemed_rule",
        "read_at",
    ]
    list_filter = ["kind", "channel", DeemedRuleFilter]
    search_fields = ["subject", "member__member_id", "member__company_name", "dispatch_reference"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "campaign", "posting", "terms_version"]
    date_hierarchy = "created_at"
    readonly_fields = [*field_names(Notice), "dispatch"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Dispatch")
    def dispatch(self, obj: Notice) -> str:
        if obj.channel not in PHYSICAL_CHANNELS:
            return "Not dispatched by hand."
        if obj.sent_at is not None:
            return f"Recorded: {obj.sent_at:%Y-%m-%d %H:%M} UTC, reference {obj.dispatch_reference}"
        url = reverse("admin:notices_notice_dispatch", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record the dispatch</a>', url)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:notice_pk>/dispatch/",
                self.admin_site.admin_view(self.dispatch_view),
                name="notices_notice_dispatch",
            )
        ]
        return extra + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Issue a notice to a member (clause 11.2)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NoticeIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.notice_issue(by=request_user(request), **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                self.log_addition(request, notice, f"Issued by {notice.channel}")
                self.message_user(request, f"Notice #{notice.pk} issued.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:notices_notice_change", args=[notice.pk])
                )
        return _form_page(self, request, form, title="Issue a notice", submit="Issue notice")

    def dispatch_view(self, request: HttpRequest, notice_pk: int) -> HttpResponse:
        """Record that a notice went out personally, by courier, certified mail or fax."""
        if not request.user.has_perm("notices.change_notice"):
            raise PermissionDenied
        notice = get_object_or_404(Notice, pk=notice_pk)
        form = DispatchRecordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.notice_record_dispatch(
                    notice_pk=notice.pk, by=request_user(request), **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                self.log_change(request, notice, f"Dispatch recorded: {notice.dispatch_reference}")
                self.message_user(
                    request,
                    f"Dispatch recorded; deemed received {notice.deemed_received_at:%Y-%m-%d %H:%M}"
                    f" UTC (clause {notice.deemed_clause}).",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:notices_notice_change", args=[notice.pk])
                )
        title = f"Record the {notice.get_channel_display().lower()} dispatch of notice #{notice.pk}"
        return _form_page(self, request, form, title=title, submit="Record dispatch", obj=notice)


class EmailAttemptInline(ReadOnlyInline):
    model = EmailAttempt
    fields = readonly_fields = ("attempted_at", "accepted", "to_address", "error")


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "notice",
        "status",
        "to_address",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["to_address", "message_id", "notice__member__member_id"]
    list_select_related = ["notice"]
    readonly_fields = field_names(EmailDelivery)
    inlines = [EmailAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description="Send failed emails once more", permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        ids = list(queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True))
        count = services.email_deliveries_rearm(delivery_ids=ids, by=request_user(request))
        self.message_user(request, f"{count} email(s) queued to send again.", messages.SUCCESS)


@admin.register(NoticeCampaign)
class NoticeCampaignAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "site",
        "terms_version",
        "status",
        "progress",
        "batches",
        "started_at",
        "finished_at",
        "updated_at",
    ]
    list_filter = ["status", "site"]
    readonly_fields = [*field_names(NoticeCampaign), "emails"]
    actions = ["resume"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="Progress")
    def progress(self, obj: NoticeCampaign) -> str:
        return f"{obj.processed} / {obj.total} ({obj.percent}%)"

    @admin.display(description="Emails")
    def emails(self, obj: NoticeCampaign) -> str:
        p = selectors.campaign_progress(obj)
        return (
            f"{p['emails_sent']} sent, {p['emails_pending']} pending, {p['emails_failed']} failed"
        )

    @admin.action(description="Resume the fan-out (in the background)", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[NoticeCampaign]) -> None:
        by = request_user(request)
        count = sum(services.notice_campaign_resume(campaign_pk=c.pk, by=by) for c in queryset)
        self.message_user(request, f"{count} campaign(s) queued to resume.", messages.SUCCESS)


@admin.register(InboundLegalNotice)
class InboundLegalNoticeAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "sender_name",
        "subject",
        "addressed_entity",
        "member",
        "channel",
        "flagged_wrong_entity",
    ]
    list_filter = ["flagged_wrong_entity", "addressed_entity", "channel"]
    search_fields = ["sender_name", "subject", "reference", "member__member_id"]
    list_select_related = ["member"]
    readonly_fields = field_names(InboundLegalNotice)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Register a legal notice or demand received by the platform (clause 11.1)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InboundNoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                inbound = services.inbound_notice_register(
                    by=request_user(request), **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                self.log_addition(request, inbound, "Registered")
                level = messages.WARNING if inbound.flagged_wrong_entity else messages.SUCCESS
                self.message_user(request, f"Registered. {inbound.flag_reason}", level)
                return HttpResponseRedirect(
                    reverse("admin:notices_inboundlegalnotice_change", args=[inbound.pk])
                )
        return _form_page(
            self, request, form, title="Register an inbound legal notice", submit="Register"
        )


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin):
    """Failed emails sent again and fan-outs resumed, with the staff member who asked."""

    list_display = ["at", "action", "delivery", "campaign", "by"]
    list_filter = ["action"]
    list_select_related = ["by"]
