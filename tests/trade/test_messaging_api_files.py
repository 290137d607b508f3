"""Attachments sent over the API (multipart siblings of the JSON contract) and the email
notice opt-out over the API (issue 11; clauses 7.1, 4.2, 5.6 f)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import ApiClient
from tests.factories import image_bytes, listing_create, member_create, pdf_bytes
from tradepost.members.services import api_token_create
from tradepost.notices.models import Notice
from tradepost.trade.models import Conversation, Message, MessageAttachment, MessagingPreference
from tradepost.trade.selectors import messaging as selectors
from tradepost.trade.services import messaging as services

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


def multipart(client: ApiClient, path: str, data: dict):
    return client.client.post(f"/api/v1{path}", data, **client._headers())


def pdf(name="spec.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def inquire(buyer, listing):
    return services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=500, message=QUESTION)


# --- Inquiries with files ----------------------------------------------------------------------


def test_an_inquiry_with_files_opens_a_conversation_the_supplier_downloads(
    buyer, supplier, listing
):
    response = multipart(
        client_for(buyer),
        "/inquiries/with-attachments",
        {"listing_id": listing.pk, "quantity": 500, "message": QUESTION, "files": [pdf(), png()]},
    )

    assert response.status_code == 201, response.content
    conversation_id = response.json()["conversation_id"]
    detail = client_for(supplier).get(f"/conversations/{conversation_id}").json()
    attachments = detail["messages"][0]["attachments"]
    assert [a["name"] for a in attachments] == ["spec.pdf", "photo.png"]
    assert [a["content_type"] for a in attachments] == ["application/pdf", "image/png"]
    download = client_for(supplier).get(attachments[0]["url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_inquiry_from_a_storefront_with_files(buyer, supplier):
    response = multipart(
        client_for(buyer),
        "/inquiries/with-attachments",
        {"supplier_id": supplier.member_id, "quantity": 10, "message": QUESTION, "files": pdf()},
    )

    assert response.status_code == 201, response.content
    assert MessageAttachment.objects.get().original_name == "spec.pdf"


def test_the_json_inquiry_contract_is_unchanged(buyer, listing):
    response = client_for(buyer).post(
        "/inquiries", {"listing_id": listing.pk, "quantity": 500, "message": QUESTION}
    )

    assert response.status_code == 201
    assert set(response.json()) == {"id", "conversation_id"}


def test_an_inquiry_with_a_bad_file_is_refused_and_nothing_is_stored(buyer, listing, _media):
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")

    response = multipart(
        client_for(buyer),
        "/inquiries/with-attachments",
        {"listing_id": listing.pk, "quantity": 500, "message": QUESTION, "files": [bad]},
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_document"
    assert (Conversation.objects.count(), Message.objects.count()) == (0, 0)
    assert stored_files(_media) == []


def test_an_inquiry_with_files_over_the_quota_is_409_and_nothing_is_stored(
    monkeypatch, buyer, listing, _media
):
    monkeypatch.setattr(selectors, "mailbox_quota", lambda member: 100)

    response = multipart(
        client_for(buyer),
        "/inquiries/with-attachments",
        {"listing_id": listing.pk, "quantity": 500, "message": QUESTION, "files": [png()]},
    )

    assert (response.status_code, response.json()["error"]["code"]) == (409, "mailbox_full")
    assert (Conversation.objects.count(), MessageAttachment.objects.count()) == (0, 0)
    assert stored_files(_media) == []


# --- Replies with files ------------------------------------------------------------------------


def test_a_reply_with_files_over_the_api(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)

    response = multipart(
        client_for(supplier),
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"body": "Our price list.", "files": [pdf("prices.pdf")]},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body"] == "Our price list."
    assert body["sender"] == supplier.member_id
    assert [a["name"] for a in body["attachments"]] == ["prices.pdf"]
    attachment = MessageAttachment.objects.get()
    assert Message.objects.get(pk=body["id"]).size == len(b"Our price list.") + attachment.size


def test_a_reply_with_files_over_the_quota_is_409_and_nothing_is_stored(
    monkeypatch, buyer, supplier, listing, _media
):
    inquiry = inquire(buyer, listing)
    used = selectors.mailbox_usage(supplier)
    monkeypatch.setattr(selectors, "mailbox_quota", lambda member: used + 100)

    response = multipart(
        client_for(supplier),
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"body": "See the photo.", "files": [png()]},
    )

    assert (response.status_code, response.json()["error"]["code"]) == (409, "mailbox_full")
    assert response.json()["error"]["quota"] == used + 100
    assert Message.objects.count() == 1
    assert MessageAttachment.objects.count() == 0
    assert stored_files(_media) == []


def test_too_many_files_are_refused(buyer, supplier, listing, _media):
    inquiry = inquire(buyer, listing)

    response = multipart(
        client_for(supplier),
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"body": "Many.", "files": [pdf(f"f{i}.pdf") for i in range(6)]},
    )

    assert response.status_code == 422
    assert Message.objects.count() == 1
    assert stored_files(_media) == []


def test_a_reply_with_files_is_screened_like_any_message(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)

    response = multipart(
        client_for(supplier),
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"body": "Pay at https://example.com/pay now", "files": [pdf()]},
    )

    assert response.status_code == 201, response.content
    assert response.json()["delivery"] == "held"


def test_only_the_parties_reply_with_files_anyone_else_404(buyer, listing, _media):
    inquiry = inquire(buyer, listing)
    stranger = client_for(member_create(country="GB"))

    response = multipart(
        stranger,
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"body": "Hello", "files": [pdf()]},
    )

    assert response.status_code == 404
    assert stored_files(_media) == []


def test_a_reply_with_files_needs_a_body(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)

    response = multipart(
        client_for(supplier),
        f"/conversations/{inquiry.conversation_id}/messages/with-attachments",
        {"files": [pdf()]},
    )

    assert response.status_code == 422
    assert Message.objects.count() == 1


def test_the_json_reply_contract_is_unchanged(buyer, supplier, listing):
    inquiry = inquire(buyer, listing)

    response = client_for(supplier).post(
        f"/conversations/{inquiry.conversation_id}/messages", {"body": "Yes."}
    )

    assert response.status_code == 201
    assert response.json()["attachments"] == []


# --- Email notice opt-out ----------------------------------------------------------------------


def test_preferences_default_on_then_opt_out_and_back_in(supplier):
    client = client_for(supplier)
    assert client.get("/messaging/preferences").json() == {"email_on_new_message": True}

    put = client.call("put", "/messaging/preferences", {"email_on_new_message": False})
    assert (put.status_code, put.json()) == (200, {"email_on_new_message": False})
    assert MessagingPreference.objects.get(member=supplier).email_on_new_message is False
    assert client.get("/messaging/preferences").json() == {"email_on_new_message": False}

    patch = client.patch("/messaging/preferences", {"email_on_new_message": True})
    assert (patch.status_code, patch.json()) == (200, {"email_on_new_message": True})
    unchanged = client.patch("/messaging/preferences", {})
    assert (unchanged.status_code, unchanged.json()) == (200, {"email_on_new_message": True})


def test_the_opt_out_set_over_the_api_stops_email_notices(buyer, supplier, listing):
    client_for(supplier).call("put", "/messaging/preferences", {"email_on_new_message": False})

    inquire(buyer, listing)

    assert Notice.objects.filter(member=supplier).count() == 0


@pytest.mark.parametrize("value", ["no", "false", 0, None, [], "yes"])
def test_preferences_take_only_a_boolean(supplier, value):
    client = client_for(supplier)

    response = client.call("put", "/messaging/preferences", {"email_on_new_message": value})

    assert response.status_code == 422
    assert "error" in response.json()
    assert MessagingPreference.objects.filter(member=supplier).count() == 0


def test_preferences_need_a_body_for_put_and_a_sign_in(supplier):
    assert client_for(supplier).call("put", "/messaging/preferences", {}).status_code == 422
    assert ApiClient().get("/messaging/preferences").status_code == 401
