"""Inquiries and conversations over the API (clause 7.1; issue 11's public contract).

`POST /inquiries` opens a conversation; `GET /conversations` lists the member's, newest
activity first, with unread counts; `GET /conversations/{id}` shows one to its two parties
(404 to anyone else) and marks it read; `POST /conversations/{id}/messages` replies. The JSON
contracts stay as they are; sending files goes through the multipart siblings
`POST /inquiries/with-attachments` and `POST /conversations/{id}/messages/with-attachments`
(the same service, so the same quota, file checks and screening). A party may report the
conversation (`POST /conversations/{id}/report`) and download an attachment; a member reads
and sets its email notice opt-out (`GET`/`PUT`/`PATCH /messaging/preferences`); staff
release held messages (`POST /staff/messages/{id}/release`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from tradepost.api_paging import LazyRows, LimitOffsetPaging
from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.members.selectors import member_for_user
from tradepost.trade.models.messaging import Conversation, Message
from tradepost.trade.selectors import messaging as selectors
from tradepost.trade.services import messaging as services
from tradepost.trust.api.common import staff_permission

router = Router()  # members, under /api/v1/
staff_router = Router()  # staff, under /api/v1/staff/


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request_user(request))
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


class InquiryIn(Schema):
    listing_id: int | None = None
    supplier_id: str | None = Field(None, description="The supplier's member ID.")
    quantity: int
    message: str


class InquiryOut(Schema):
    id: int
    conversation_id: int


class MessageIn(Schema):
    body: str


class PartyOut(Schema):
    member_id: str
    company_name: str


class MessageAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    sender: str = Field(description="The sender's member ID.")
    body: str
    created_at: datetime
    read_at: datetime | None
    delivery: str = Field(description="delivered, warned (shown with a warning) or held.")
    warning: str = Field(description="Why the platform warns the recipient, or empty.")
    attachments: list[MessageAttachmentOut]


class ConversationSummaryOut(Schema):
    id: int
    subject: str
    buyer: PartyOut
    supplier: PartyOut
    listing_id: int | None
    quantity: int | None
    last_message_at: datetime
    unread: int


class ConversationOut(ConversationSummaryOut):
    messages: list[MessageOut]


class ReportIn(Schema):
    ground: str = Field(description='"6.3 b" or "6.3 d".')
    description: str
    message_id: int | None = None


class ReportOut(Schema):
    complaint_id: int
    case_id: int


class ReleaseIn(Schema):
    reason: str = ""


class PreferencesOut(Schema):
    email_on_new_message: bool = Field(
        description="An email notice of a new message (one per conversation until read)."
    )


class PreferencesIn(Schema):
    email_on_new_message: Annotated[bool, Field(strict=True)]


class PreferencesPatch(Schema):
    email_on_new_message: Annotated[bool | None, Field(strict=True)] = None


def _party(member: Member) -> dict[str, str]:
    return {"member_id": member.member_id, "company_name": member.company_name}


def warning_text(message: Message) -> str:
    if message.delivery != "warned":
        return ""
    titles = sorted({m.get("title", "") for m in message.screening.get("matches", [])} - {""})
    return (
        f"Caution: this message contains what screening flags ({', '.join(titles)}). "
        "Keep contact and payment on the platform and never open links you do not trust "
        f"(clause {message.screening.get('clause') or '5.6 (f)'})."
    )


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender": message.sender.member_id,
        "body": message.body,
        "created_at": message.created_at,
        "read_at": message.read_at,
        "delivery": message.delivery,
        "warning": warning_text(message),
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("api:conversation_attachment", args=[message.conversation_id, a.pk]),
            }
            for a in message.attachments.all()
        ],
    }


def conversation_summary_out(conversation: Conversation, unread: int) -> dict[str, Any]:
    inquiry = getattr(conversation, "inquiry", None)
    return {
        "id": conversation.pk,
        "subject": conversation.subject,
        "buyer": _party(conversation.buyer),
        "supplier": _party(conversation.supplier),
        "listing_id": conversation.listing_id,
        "quantity": inquiry.quantity if inquiry else None,
        "last_message_at": conversation.last_message_at,
        "unread": unread,
    }


@router.post("/inquiries", response={201: InquiryOut})
def inquiry_create(request: HttpRequest, payload: InquiryIn) -> Status[dict[str, int]]:
    """Clause 7.1: ask a supplier about a listing (`listing_id`) or from its storefront
    (`supplier_id`, the member ID); opens a conversation. 403 when the account may not send
    (suspended: `account_not_active`; restricted: `feature_restricted` with the clause), 409
    `mailbox_full`, 429 over the send limits."""
    inquiry = services.inquiry_send(
        buyer=_member(request),
        listing_id=payload.listing_id,
        supplier_id=payload.supplier_id,
        quantity=payload.quantity,
        message=payload.message,
    )
    return Status(201, {"id": inquiry.pk, "conversation_id": inquiry.conversation_id})


@router.post("/inquiries/with-attachments", response={201: InquiryOut})
def inquiry_create_with_attachments(
    request: HttpRequest, payload: Form[InquiryIn], files: File[list[UploadedFile]]
) -> Status[dict[str, int]]:
    """`POST /inquiries` with files (multipart/form-data: the same fields as form fields,
    the files as `files`). The message's size, files included, counts against your mailbox
    (clause 4.2): 409 `mailbox_full` and nothing stored when it does not fit; a file of a
    type or size the policy refuses is a 422 and nothing is stored."""
    inquiry = services.inquiry_send(
        buyer=_member(request),
        listing_id=payload.listing_id,
        supplier_id=payload.supplier_id,
        quantity=payload.quantity,
        message=payload.message,
        files=files,
    )
    return Status(201, {"id": inquiry.pk, "conversation_id": inquiry.conversation_id})


@router.get("/conversations", response=list[ConversationSummaryOut])
@paginate(LimitOffsetPaging)
def conversations_list(request: HttpRequest) -> Any:
    """Your conversations (`items`, `count`), newest activity first, each with its unread
    count."""
    return LazyRows(
        selectors.conversations_of(_member(request)),
        lambda c: conversation_summary_out(c, c.unread),
    )


@router.get("/conversations/{conversation_id}", response=ConversationOut)
def conversation_detail(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    """One conversation with its messages, to its two parties only (404 to anyone else);
    opening it marks what was delivered to you read."""
    member = _member(request)
    conversation = selectors.conversation_for_party(member=member, conversation_id=conversation_id)
    messages = list(selectors.messages_for_party(conversation=conversation, member=member))
    services.conversation_mark_read(member=member, conversation=conversation)
    return {
        **conversation_summary_out(conversation, 0),
        "messages": [message_out(m) for m in messages],
    }


@router.post("/conversations/{conversation_id}/messages", response={201: MessageOut})
def conversation_reply(
    request: HttpRequest, conversation_id: int, payload: MessageIn
) -> Status[dict[str, Any]]:
    """Reply in your conversation. A message screening holds (`delivery: held`) reaches the
    other party once staff release it."""
    message = services.message_send(
        member=_member(request), conversation_id=conversation_id, body=payload.body
    )
    return Status(201, message_out(message))


@router.post(
    "/conversations/{conversation_id}/messages/with-attachments", response={201: MessageOut}
)
def conversation_reply_with_attachments(
    request: HttpRequest,
    conversation_id: int,
    body: Form[str],
    files: File[list[UploadedFile]],
) -> Status[dict[str, Any]]:
    """Reply with files (multipart/form-data: `body` and one or more `files`). Clause 4.2:
    409 `mailbox_full` and nothing stored when the message with its files does not fit your
    mailbox; a refused file type or size is a 422 and nothing is stored."""
    message = services.message_send(
        member=_member(request), conversation_id=conversation_id, body=body, files=files
    )
    return Status(201, message_out(message))


@router.get("/messaging/preferences", response=PreferencesOut)
def messaging_preferences(request: HttpRequest) -> dict[str, bool]:
    """Your email notice of new messages: on unless you opted out."""
    return {"email_on_new_message": selectors.email_on_new_message(_member(request))}


@router.put("/messaging/preferences", response=PreferencesOut)
def messaging_preferences_put(request: HttpRequest, payload: PreferencesIn) -> dict[str, bool]:
    """Opt out of (false) or back into (true) email notices of new messages."""
    preference = services.messaging_preference_set(
        member=_member(request), email_on_new_message=payload.email_on_new_message
    )
    return {"email_on_new_message": preference.email_on_new_message}


@router.patch("/messaging/preferences", response=PreferencesOut)
def messaging_preferences_patch(request: HttpRequest, payload: PreferencesPatch) -> dict[str, bool]:
    """Change only what you send; an empty body changes nothing."""
    member = _member(request)
    if payload.email_on_new_message is None:
        return {"email_on_new_message": selectors.email_on_new_message(member)}
    preference = services.messaging_preference_set(
        member=member, email_on_new_message=payload.email_on_new_message
    )
    return {"email_on_new_message": preference.email_on_new_message}


@router.post("/conversations/{conversation_id}/report", response={201: ReportOut})
def conversation_report(
    request: HttpRequest, conversation_id: int, payload: ReportIn
) -> Status[dict[str, int]]:
    """Clause 5.6 (f), 6.3 (b), (d): report the other party; files a complaint in trust."""
    complaint = services.conversation_report(
        member=_member(request),
        conversation_id=conversation_id,
        ground=payload.ground,
        description=payload.description,
        message_id=payload.message_id,
    )
    return Status(201, {"complaint_id": complaint.pk, "case_id": complaint.case_id})


@router.get(
    "/conversations/{conversation_id}/attachments/{attachment_id}",
    url_name="conversation_attachment",
)
def conversation_attachment(
    request: HttpRequest, conversation_id: int, attachment_id: int
) -> FileResponse:
    """An attachment, as a download, to the conversation's two parties only."""
    row = selectors.attachment_for_party(
        member=_member(request), conversation_id=conversation_id, attachment_id=attachment_id
    )
    return attachment_response(row)


def attachment_response(row: Any) -> FileResponse:
    response = FileResponse(
        row.file.open("rb"),
        content_type=row.content_type,
        as_attachment=True,
        filename=row.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_router.post("/messages/{message_id}/release", response=MessageOut)
@staff_permission("trade.release_message")
def message_release(request: HttpRequest, message_id: int, payload: ReleaseIn) -> dict[str, Any]:
    """Release a message screening held: the recipient sees it from now on (audited)."""
    message = services.message_release(
        message_id=message_id, by=request_user(request), reason=payload.reason
    )
    return message_out(message)
