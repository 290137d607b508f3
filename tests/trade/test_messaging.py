"""Inquiries and messages (issue 11; clauses 7.1, 4.2, 5.6 f, 6.2): the API contract, parties
only, the mailbox quota, send limits, screening, reports, restrictions, unread counts, notices
and the supplier's response rate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import (
    image_bytes,
    listing_create,
    member_create,
    pdf_bytes,
    staff_create,
)
from tradepost.audit.models import AuditEntry
from tradepost.errors import AccountNotActive, FeatureRestricted
from tradepost.members.services import api_token_create
from tradepost.notices.models import Notice, NoticeKind
from tradepost.policy.trade import MessagingPolicy, TradePolicy, load_trade_policy
from tradepost.trade.models import Conversation, Inquiry, Message, MessageAttachment
from tradepost.trade.rules.messaging import message_screening_outcome, response_stats
from tradepost.trade.selectors import messaging as selectors
from tradepost.trade.services import messaging as services
from tradepost.trust.models import Complaint
from tradepost.trust.services import actions as action_services

QUESTION = "Could you quote 500 pieces with delivery to Hamburg?"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def supplier(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def buyer(db):
    return member_create(country="DE", roles=["buyer"])


@pytest.fixture
def listing(supplier):
    return listing_create(supplier)


def client_for(member) -> ApiClient:
    _, raw = api_token_create(user=member.user, name="test")
    return ApiClient(token=raw)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def inquire(buyer, listing, body=QUESTION, **kw):
    return services.inquiry_send(
        buyer=buyer, listing_id=listing.pk, quantity=kw.pop("quantity", 500), message=body, **kw
    )


def with_messaging(monkeypatch, **changes):
    policy = load_trade_policy()
    changed = TradePolicy(
        payments=policy.payments,
        messaging=MessagingPolicy(**{**policy.messaging.model_dump(), **changes}),
    )
    monkeypatch.setattr(services, "load_trade_policy", lambda: changed)
    return changed.messaging


# --- The public contract ------------------------------------------------------------------


def test_an_inquiry_about_a_listing_opens_a_conversation_both_parties_reply_in(
    buyer, supplier, listing
):
    buyer_api, supplier_api = client_for(buyer), client_for(supplier)

    created = buyer_api.post(
        "/inquiries", {"listing_id": listing.pk, "quantity": 500, "message": QUESTION}
    )

    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "conversation_id"}
    conversation = Conversation.objects.get()
    assert body == {"id": Inquiry.objects.get().pk, "conversation_id": conversation.pk}
    assert (conversation.buyer, conversation.supplier, conversation.listing) == (
        buyer,
        supplier,
        listing,
    )
    reply = supplier_api.post(
        f"/conversations/{conversation.pk}/messages", {"body": "Yes: USD 11.00 each, FOB."}
    )
    assert reply.status_code == 201
    assert reply.json()["sender"] == supplier.member_id
    shown = buyer_api.get(f"/conversations/{conversation.pk}").json()
    assert [m["body"] for m in shown["messages"]] == [QUESTION, "Yes: USD 11.00 each, FOB."]
    assert shown["quantity"] == 500
    assert shown["supplier"]["member_id"] == supplier.member_id


def test_an_inquiry_from_a_storefront_names_the_supplier_by_member_id(buyer, supplier):
    response = client_for(buyer).post(
        "/inquiries", {"supplier_id": supplier.member_id, "quantity": 20, "message": QUESTION}
    )

    assert response.status_code == 201
    conversation = Conversation.objects.get(pk=response.json()["conversation_id"])
    assert (conversation.supplier, conversation.listing) == (supplier, None)


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"quantity": 5, "message": QUESTION}, "invalid_input", "listing_id"),
        ({"supplier_id": "nobody", "quantity": 5, "message": QUESTION}, "not_found", None),
        ({"supplier_id": "cn\x00", "quantity": 5, "message": QUESTION}, "not_found", None),
        ({"supplier_id": "SELF", "quantity": 5, "message": QUESTION}, "inquiry_to_self", None),
        ({"supplier_id": "SUP", "quantity": 0, "message": QUESTION}, "invalid_input", "quantity"),
        ({"supplier_id": "SUP", "quantity": 5, "message": "  "}, "invalid_input", "message"),
    ],
)
def test_a_bad_inquiry_is_a_clear_4xx_and_opens_nothing(buyer, supplier, payload, code, field):
    buyer.is_supplier = True
    buyer.save()
    if payload.get("supplier_id") == "SELF":
        payload["supplier_id"] = buyer.member_id
    if payload.get("supplier_id") == "SUP":
        payload["supplier_id"] = supplier.member_id

    response = client_for(buyer).post("/inquiries", payload)

    assert response.json()["error"]["code"] == code
    assert response.status_code in (404, 422)
    if field:
        assert list(response.json()["error"]["fields"]) == [field]
    assert Conversation.objects.count() == 0


def test_conversations_list_newest_activity_first_with_unread_counts(buyer, supplier, listing):
    first = inquire(buyer, listing)
    second = inquire(buyer, listing, body="And 1000 pieces?")
    services.message_send(member=supplier, conversation_id=first.conversation_id, body="Sure.")
    services.message_send(member=supplier, conversation_id=first.conversation_id, body="Any?")

    listed = client_for(buyer).get("/conversations").json()

    assert listed["count"] == 2
    assert [(c["id"], c["unread"]) for c in listed["items"]] == [
        (first.conversation_id, 2),
        (second.conversation_id, 0),
    ]
    supplier_view = client_for(supplier).get("/conversations").json()["items"]
    assert [(c["id"], c["unread"]) for c in supplier_view] == [
        (first.conversation_id, 0),
        (second.conversation_id, 1),
    ]


def test_opening_a_conversation_marks_it_read(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    assert selectors.unread_count(member=supplier) == 1

    client_for(supplier).get(f"/conversations/{inquiry.conversation_id}")

    assert selectors.unread_count(member=supplier) == 0
    assert Message.objects.get().read_at is not None


def test_only_the_two_parties_see_a_conversation_anyone_else_gets_404(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    stranger = client_for(member_create(country="GB"))

    for response in (
        stranger.get(f"/conversations/{inquiry.conversation_id}"),
        stranger.post(f"/conversations/{inquiry.conversation_id}/messages", {"body": "Hi"}),
        stranger.get("/conversations/999999"),
    ):
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert Message.objects.count() == 1
    assert Message.objects.get().read_at is None


# --- Attachments ---------------------------------------------------------------------------


def test_attachments_download_only_for_the_parties_private_no_store(buyer, supplier, listing):
    file = SimpleUploadedFile("spec.pdf", pdf_bytes(), content_type="application/pdf")
    inquiry = inquire(buyer, listing, files=[file])
    attachment = MessageAttachment.objects.get()
    path = f"/conversations/{inquiry.conversation_id}/attachments/{attachment.pk}"

    response = client_for(supplier).get(path)

    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    assert response["Content-Disposition"].startswith('attachment; filename="spec.pdf"')
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_for(member_create(country="GB")).get(path).status_code == 404
    assert Message.objects.get().size == len(QUESTION.encode()) + attachment.size


def test_a_file_that_is_not_a_document_refuses_the_message_and_keeps_nothing(
    buyer, listing, _media
):
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")

    with pytest.raises(services.InvalidInput) as error:
        inquire(buyer, listing, files=[bad])

    assert error.value.code == "invalid_document"
    assert (Conversation.objects.count(), Message.objects.count()) == (0, 0)
    assert stored_files(_media) == []


# --- Mailbox quota (clause 4.2) ------------------------------------------------------------


def test_the_quota_comes_from_the_membership_tier(buyer):
    assert selectors.mailbox_quota(buyer) == 50 * 1024 * 1024


def test_a_send_over_the_senders_quota_is_refused_and_nothing_is_stored(
    monkeypatch, buyer, supplier, listing, _media
):
    inquiry = inquire(buyer, listing)
    used = selectors.mailbox_usage(supplier)
    monkeypatch.setattr(selectors, "mailbox_quota", lambda member: used + 100)
    photo = SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")

    with pytest.raises(services.MailboxFull) as error:
        services.message_send(
            member=supplier, conversation_id=inquiry.conversation_id, body="See", files=[photo]
        )

    assert (error.value.code, error.value.status) == ("mailbox_full", 409)
    assert error.value.extra["quota"] == used + 100
    assert Message.objects.count() == 1
    assert MessageAttachment.objects.count() == 0
    assert stored_files(_media) == []


def test_mailbox_full_over_the_api(monkeypatch, buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    monkeypatch.setattr(selectors, "mailbox_quota", lambda member: 10)

    response = client_for(supplier).post(
        f"/conversations/{inquiry.conversation_id}/messages", {"body": "Our price list."}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (409, "mailbox_full")
    assert Message.objects.count() == 1


def test_usage_counts_sent_and_received_messages(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    services.message_send(member=supplier, conversation_id=inquiry.conversation_id, body="Ok")

    expected = len(QUESTION.encode()) + 2
    assert selectors.mailbox_usage(buyer) == expected
    assert selectors.mailbox_usage(supplier) == expected


# --- Spam and phishing (clause 5.6 f) ------------------------------------------------------


def test_over_the_send_limit_answers_429_with_retry_after(monkeypatch, buyer, supplier, listing):
    with_messaging(monkeypatch, send_rates=["2/60"])
    # One instant for the whole test: a slow machine must not cross a window boundary.
    monkeypatch.setattr("tradepost.ratelimit._clock", lambda: 1_800_000_010.0)
    inquiry = inquire(buyer, listing)
    api = client_for(buyer)
    path = f"/conversations/{inquiry.conversation_id}/messages"

    assert api.post(path, {"body": "One more detail."}).status_code == 201
    refused = api.post(path, {"body": "And another."})

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "message_rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert Message.objects.count() == 2


def test_contact_details_are_delivered_with_a_warning_to_the_recipient(buyer, supplier, listing):
    inquiry = inquire(buyer, listing, body="Write to me at jan@elsewhere-mail.com instead.")

    message = Message.objects.get()
    assert message.delivery == "warned"
    assert message.screening["rule"] == "offsite.email"
    shown = client_for(supplier).get(f"/conversations/{inquiry.conversation_id}").json()
    assert shown["messages"][0]["delivery"] == "warned"
    assert "(E-mail address)" in shown["messages"][0]["warning"]


def test_a_link_is_held_until_staff_release_it(buyer, supplier, listing):
    inquiry = inquire(buyer, listing, body="Pay the deposit at http://secure-pay.example.net/x")
    supplier_api = client_for(supplier)
    message = Message.objects.get()
    assert message.delivery == "held"
    assert supplier_api.get(f"/conversations/{inquiry.conversation_id}").json()["messages"] == []
    assert selectors.unread_count(member=supplier) == 0
    assert Notice.objects.filter(member=supplier).count() == 0
    shown_to_sender = client_for(buyer).get(f"/conversations/{inquiry.conversation_id}").json()
    assert [m["delivery"] for m in shown_to_sender["messages"]] == ["held"]
    assert AuditEntry.objects.get(action="message.held").target_id == str(message.pk)

    staff = staff_create(username="tns", role="Trust & safety agent")
    _, raw = api_token_create(user=staff, name="t")
    released = ApiClient(token=raw).post(
        f"/staff/messages/{message.pk}/release", {"reason": "A known payment page."}
    )

    assert released.status_code == 200
    assert released.json()["delivery"] == "delivered"
    shown = supplier_api.get(f"/conversations/{inquiry.conversation_id}").json()
    assert [m["id"] for m in shown["messages"]] == [message.pk]
    entry = AuditEntry.objects.get(action="message.released")
    assert (entry.actor, entry.reason) == (staff, "A known payment page.")
    assert Notice.objects.filter(member=supplier, kind=NoticeKind.MESSAGE).count() == 1


def test_a_member_cannot_release_a_held_message(buyer, listing):
    inquire(buyer, listing, body="Pay the deposit at http://secure-pay.example.net/x")

    response = client_for(buyer).post(f"/staff/messages/{Message.objects.get().pk}/release", {})

    assert response.status_code in (401, 403)
    assert Message.objects.get().delivery == "held"


@pytest.mark.parametrize(
    ("matches", "action", "rule"),
    [
        ([], "deliver", ""),
        ([("offsite.phone", "offsite")], "warn", "offsite.phone"),
        ([("offsite.phone", "offsite"), ("offsite.url", "offsite")], "hold", "offsite.url"),
        ([("rules.battery", "restricted")], "deliver", "restricted"),
        ([("wording.word_list.en", "wording")], "hold", "wording"),
        ([("new.rule", "unknown")], "deliver", "default_action"),
    ],
)
def test_screening_outcomes_map_by_rule_then_kind(matches, action, rule):
    outcome = message_screening_outcome(matches, load_trade_policy().messaging)

    assert (outcome.action, outcome.rule) == (action, rule)


def test_report_files_a_complaint_about_the_other_party(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    reply = services.message_send(
        member=supplier, conversation_id=inquiry.conversation_id, body="Pay by gift cards."
    )

    response = client_for(buyer).post(
        f"/conversations/{inquiry.conversation_id}/report",
        {"ground": "6.3 d", "description": "Asks for gift cards.", "message_id": reply.pk},
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert response.json() == {"complaint_id": complaint.pk, "case_id": complaint.case_id}
    assert (complaint.subject, complaint.complainant, complaint.ground) == (
        supplier,
        buyer,
        "6.3 d",
    )
    assert (complaint.source, complaint.reference) == (
        "member",
        f"conversation:{inquiry.conversation_id}",
    )


def test_report_takes_only_the_messaging_grounds(buyer, listing):
    inquiry = inquire(buyer, listing)

    response = client_for(buyer).post(
        f"/conversations/{inquiry.conversation_id}/report", {"ground": "6.3 a", "description": "x"}
    )

    assert (response.status_code, list(response.json()["error"]["fields"])) == (422, ["ground"])
    assert Complaint.objects.count() == 0


# --- Who may send (clause 6.2) -------------------------------------------------------------


def test_a_member_restricted_from_messaging_gets_403_with_the_clause(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    agent = staff_create(username="agent", role="Trust & safety agent")
    action = action_services.action_take(
        member=supplier,
        kind="restrict_feature",
        clause="6.2 (iv)",
        reason="Spam.",
        by=agent,
        feature="messaging",
    )

    response = client_for(supplier).post(
        f"/conversations/{inquiry.conversation_id}/messages", {"body": "Hello"}
    )

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["feature"], error["clause"], error["action_id"]) == (
        "feature_restricted",
        "messaging",
        "6.2 (iv)",
        action.pk,
    )
    assert Message.objects.count() == 1


def test_a_suspended_member_cannot_send(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)
    api = client_for(supplier)
    agent = staff_create(username="agent", role="Trust & safety agent")
    action_services.action_take(
        member=supplier, kind="suspend", clause="6.2 (i)", reason="Fraud.", by=agent
    )
    supplier.refresh_from_db()

    path = f"/conversations/{inquiry.conversation_id}/messages"
    assert api.post(path, {"body": "Hi"}).status_code == 401
    with pytest.raises((AccountNotActive, FeatureRestricted)):
        services.message_send(member=supplier, conversation_id=inquiry.conversation_id, body="Hi")
    assert Message.objects.count() == 1


def test_a_suspended_supplier_receives_no_new_inquiries(buyer, supplier):
    supplier.status = "suspended"
    supplier.save()

    response = client_for(buyer).post(
        "/inquiries", {"supplier_id": supplier.member_id, "quantity": 1, "message": QUESTION}
    )

    assert response.status_code == 404


# --- Email notices ---------------------------------------------------------------------------


def test_a_new_message_sends_one_email_notice_per_conversation_until_read(
    buyer, supplier, listing, settings
):
    inquiry = inquire(buyer, listing)
    services.message_send(member=buyer, conversation_id=inquiry.conversation_id, body="Also red?")

    notices = Notice.objects.filter(member=supplier, kind=NoticeKind.MESSAGE)
    assert notices.count() == 1
    assert notices.get().channel == "email"
    assert QUESTION not in notices.get().body

    client_for(supplier).get(f"/conversations/{inquiry.conversation_id}")
    services.message_send(member=buyer, conversation_id=inquiry.conversation_id, body="Blue?")
    assert notices.count() == 2


def test_a_member_who_opted_out_gets_no_email_notice(buyer, supplier, listing):
    services.messaging_preference_set(member=supplier, email_on_new_message=False)

    inquire(buyer, listing)

    assert Notice.objects.filter(member=supplier).count() == 0
    assert len(mail.outbox) == 0


# --- Response rate and time ----------------------------------------------------------------


def test_response_stats_rule_counts_answered_and_overdue_inquiries():
    now = timezone.now()
    hour = timedelta(hours=1)
    rows = [
        (now - 50 * hour, now - 48 * hour),  # answered in 2 h
        (now - 60 * hour, now - 20 * hour),  # answered in 40 h: late
        (now - 30 * hour, None),  # unanswered for 30 h: a miss
        (now - 2 * hour, None),  # still has time: not counted
        (now - 3 * hour, now - 2 * hour),  # answered in 1 h
    ]

    stats = response_stats(rows, now=now, within=24 * hour)

    assert (stats.counted, stats.answered_in_time) == (4, 2)
    assert stats.rate == 0.5
    assert stats.median_response == 2 * hour


def test_supplier_response_stats_over_the_last_30_days(buyer, supplier, listing):
    now = timezone.now()
    answered = inquire(buyer, listing, now=now - timedelta(days=2))
    services.message_send(
        member=supplier,
        conversation_id=answered.conversation_id,
        body="Yes.",
        now=now - timedelta(days=2) + timedelta(hours=3),
    )
    inquire(buyer, listing, now=now - timedelta(days=3))  # never answered
    old = inquire(buyer, listing, now=now - timedelta(days=40))
    services.message_send(member=supplier, conversation_id=old.conversation_id, body="Late")

    stats = selectors.supplier_response_stats(supplier, now=now)

    assert (stats.counted, stats.answered_in_time, stats.rate) == (2, 1, 0.5)
    assert stats.median_response == timedelta(hours=3)
    assert Inquiry.objects.get(pk=answered.pk).first_response_at == (
        now - timedelta(days=2) + timedelta(hours=3)
    )
