"""Messages pages (clause 7.1): the inbox with the mailbox's usage (4.2), a conversation with
its reply and report forms, and the inquiry form a listing page or storefront links to.

Thin: the forms shape the page, the services decide. Every form works without JavaScript
(post, then redirect back); htmx swaps only the conversation when it is there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tradepost.catalog.models import Listing, ListingStatus
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member, MemberStatus
from tradepost.members.selectors import member_for_user
from tradepost.policy.trade import load_trade_policy
from tradepost.trade.api.messaging import attachment_response, warning_text
from tradepost.trade.models.messaging import Conversation
from tradepost.trade.selectors import messaging as selectors
from tradepost.trade.services import messaging as services

PAGE_SIZE = 25


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class _Form(forms.Form):
    """Fields the services check are not required here, so the page shows their words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def error_summary(self) -> list[dict[str, str]]:
        out = []
        for name, errors in self.errors.items():
            if name == "__all__":
                out += [{"id": "", "label": "", "message": str(e)} for e in errors]
                continue
            label = str(self.fields[name].label) if name in self.fields else name
            out += [{"id": f"id_{name}", "label": label, "message": str(e)} for e in errors]
        return out

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc, field_for=lambda key: key)


def _attachments_help() -> str:
    policy = load_trade_policy().messaging
    return gettext("Optional: up to %(n)s PDF, PNG or JPEG files, %(mb)s MB each.") % {
        "n": policy.attachment_max_files,
        "mb": policy.attachment_max_mb,
    }


class InquiryForm(_Form):
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ask about price, samples, lead time or terms. Keep contact on Tradepost."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class ReplyForm(_Form):
    body = forms.CharField(
        label=_("Your reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class ReportForm(_Form):
    ground = forms.ChoiceField(
        label=_("What is wrong"),
        required=False,
        choices=[
            ("6.3 d", _("Spam, phishing or a scheme that may cause me a loss (6.3 d)")),
            ("6.3 b", _("A stolen card or false information in a transaction (6.3 b)")),
        ],
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PreferenceForm(_Form):
    email_on_new_message = forms.BooleanField(
        label=_("Email me when I have a new message"), required=False
    )


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise Http404("Not a member account.")
    return member


def _conversation(member: Member, conversation_id: int) -> Conversation:
    try:
        return selectors.conversation_for_party(member=member, conversation_id=conversation_id)
    except NotFound:
        raise Http404("Conversation not found.") from None


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The member's conversations, newest activity first, with unread counts and the mailbox's
    usage against its tier's storage (clause 4.2)."""
    member = _member(request)
    page = Paginator(selectors.conversations_of(member), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "member": member,
        "mailbox": selectors.mailbox_summary(member),
        "preference_form": PreferenceForm(
            initial={"email_on_new_message": selectors.email_on_new_message(member)}
        ),
    }
    return render(request, "trade/messaging/inbox.html", context)


@require_POST
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = PreferenceForm(request.POST)
    form.is_valid()
    services.messaging_preference_set(
        member=member, email_on_new_message=bool(form.cleaned_data.get("email_on_new_message"))
    )
    messages.success(request, gettext("Your email preference is saved."))
    return redirect("trade:inbox")


def _conversation_page(
    request: HttpRequest,
    member: Member,
    conversation: Conversation,
    *,
    reply_form: ReplyForm | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = list(selectors.messages_for_party(conversation=conversation, member=member))
    services.conversation_mark_read(member=member, conversation=conversation)
    other = conversation.supplier if member.pk == conversation.buyer_id else conversation.buyer
    context = {
        "conversation": conversation,
        "member": member,
        "other": other,
        "thread": [{"message": m, "warning": warning_text(m)} for m in rows],
        "reply_form": reply_form or ReplyForm(),
        "report_form": report_form or ReportForm(),
        "can_send": member.status == MemberStatus.ACTIVE,
    }
    return render(request, "trade/messaging/conversation.html", context, status=status)


@require_safe
@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation, to its two parties only; opening it marks it read."""
    member = _member(request)
    return _conversation_page(request, member, _conversation(member, conversation_id))


@require_POST
@login_required
def reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    member = _member(request)
    current = _conversation(member, conversation_id)
    form = ReplyForm(request.POST, request.FILES)
    htmx = bool(request.headers.get("HX-Request"))
    if form.is_valid():
        try:
            services.message_send(
                member=member,
                conversation_id=current.pk,
                body=form.cleaned_data.get("body") or "",
                files=form.cleaned_data.get("attachments") or [],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if htmx:
                return _conversation_page(request, member, current)
            messages.success(request, gettext("Your message is sent."))
            return redirect("trade:conversation", current.pk)
    return _conversation_page(
        request, member, current, reply_form=form, status=200 if htmx else 422
    )


@require_POST
@login_required
def report(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Clause 5.6 (f), 6.3 (b), (d): report the other party; trust receives a complaint."""
    member = _member(request)
    current = _conversation(member, conversation_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_report(
                member=member,
                conversation_id=current.pk,
                ground=form.cleaned_data.get("ground") or "",
                description=form.cleaned_data.get("description") or "",
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, gettext("Thank you: your report is with our trust and safety team.")
            )
            return redirect("trade:conversation", current.pk)
    return _conversation_page(request, member, current, report_form=form, status=422)


@require_safe
@login_required
def attachment(request: HttpRequest, conversation_id: int, attachment_id: int) -> FileResponse:
    try:
        row = selectors.attachment_for_party(
            member=_member(request), conversation_id=conversation_id, attachment_id=attachment_id
        )
    except NotFound:
        raise Http404("Attachment not found.") from None
    return attachment_response(row)


def _inquiry_target(request: HttpRequest) -> tuple[Listing | None, Member]:
    listing_id = request.GET.get("listing", "")
    if listing_id:
        listing = (
            Listing.objects.select_related("supplier")
            .filter(pk=listing_id, status=ListingStatus.PUBLISHED)
            .first()
            if listing_id.isdigit() and len(listing_id) < 19
            else None
        )
        if listing is None:
            raise Http404("Listing not found.")
        return listing, listing.supplier
    member_id = request.GET.get("supplier", "")
    supplier = (
        Member.objects.filter(
            member_id=member_id, is_supplier=True, status=MemberStatus.ACTIVE
        ).first()
        if member_id.isascii() and member_id.isalnum()
        else None
    )
    if supplier is None:
        raise Http404("Supplier not found.")
    return None, supplier


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """Clause 7.1: contact a supplier about a listing (?listing=ID) or from its storefront
    (?supplier=MEMBER_ID)."""
    member = _member(request)
    listing, supplier = _inquiry_target(request)
    context: dict[str, Any] = {
        "listing": listing,
        "supplier": supplier,
        "action": request.get_full_path(),
        "inbox_url": reverse("trade:inbox"),
    }
    try:
        services.sender_guard(member)
    except DomainError as exc:
        context["refused"] = exc.message
        return render(request, "trade/messaging/inquiry_form.html", context, status=403)
    if request.method == "POST":
        form = InquiryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                inquiry = services.inquiry_send(
                    buyer=member,
                    listing_id=listing.pk if listing else None,
                    supplier_id=None if listing else supplier.member_id,
                    quantity=form.cleaned_data.get("quantity") or 0,
                    message=form.cleaned_data.get("message") or "",
                    files=form.cleaned_data.get("attachments") or [],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, gettext("Your inquiry is sent."))
                return redirect("trade:conversation", inquiry.conversation_id)
        status = 422
    else:
        initial = {"quantity": listing.moq if listing else None}
        if request.GET.get("qty", "").isdigit() and len(request.GET["qty"]) < 10:
            initial["quantity"] = int(request.GET["qty"])
        form = InquiryForm(initial=initial)
        status = 200
    context["form"] = form
    return render(request, "trade/messaging/inquiry_form.html", context, status=status)


urlpatterns = [
    path("messages/", inbox, name="inbox"),
    path("messages/new/", inquiry_new, name="inquiry_new"),
    path("messages/preferences/", preferences, name="messaging_preferences"),
    path("messages/<int:conversation_id>/", conversation, name="conversation"),
    path("messages/<int:conversation_id>/reply/", reply, name="conversation_reply"),
    path("messages/<int:conversation_id>/report/", report, name="conversation_report"),
    path(
        "messages/<int:conversation_id>/attachments/<int:attachment_id>/",
        attachment,
        name="conversation_attachment",
    ),
]
