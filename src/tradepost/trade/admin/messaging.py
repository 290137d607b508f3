"""Console: conversations and messages, read-only for staff (clause 7.1); a message screening
held (5.6 f) is released through `message_release`, which writes the audit row."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tradepost.console import ReadOnlyAdmin, ReadOnlyInline
from tradepost.errors import DomainError
from tradepost.members.requests import request_user
from tradepost.trade.models.messaging import Conversation, Delivery, Message, MessageAttachment
from tradepost.trade.services.messaging import message_release


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "sender", "delivery", "size", "body")
    readonly_fields = fields
    show_change_link = True


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "buyer", "supplier", "listing", "last_message_at"]
    search_fields = ["subject", "buyer__member_id", "supplier__member_id"]
    list_select_related = ["buyer", "supplier", "listing"]
    inlines = [MessageInline]


class AttachmentInline(ReadOnlyInline):
    model = MessageAttachment
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "conversation", "sender", "recipient", "delivery", "created_at"]
    list_filter = ["delivery"]
    search_fields = ["sender__member_id", "recipient__member_id", "body"]
    list_select_related = ["conversation", "sender", "recipient"]
    inlines = [AttachmentInline]
    actions = ["release"]

    @admin.action(description="Release the selected held messages", permissions=["release"])
    def release(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        released = 0
        for message in queryset.filter(delivery=Delivery.HELD):
            try:
                message_release(
                    message_id=message.pk, by=request_user(request), reason="Released in console."
                )
            except DomainError as exc:
                messages.error(request, f"Message #{message.pk}: {exc.message}")
            else:
                released += 1
        messages.success(request, f"{released} message(s) released.")

    def has_release_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("trade.release_message")
