"""Messages pages (issue 11): the inbox with usage, a conversation with reply and report, the
inquiry form behind "Contact supplier", the unread badge and the response rate on catalog
pages. Every form works without JavaScript."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import listing_create, member_create, pdf_bytes
from tradepost.trade.models import Conversation, Message, MessageAttachment
from tradepost.trade.services import messaging as services
from tradepost.trust.models import Complaint

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


def browser_for(member) -> Client:
    client = Client()
    client.force_login(member.user, backend="tradepost.members.backends.MemberLoginBackend")
    return client


def test_contact_supplier_on_the_listing_page_leads_to_the_inquiry_form(buyer, listing):
    client = browser_for(buyer)

    page = client.get(f"/listings/{listing.pk}/").content.decode()

    assert f'href="/messages/new/?listing={listing.pk}"' in page
    form = client.get(f"/messages/new/?listing={listing.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["quantity"] == listing.moq


def test_the_storefront_links_to_contact_and_shows_the_response_rate(buyer, supplier, listing):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    conversation = Conversation.objects.get()
    services.message_send(member=supplier, conversation_id=conversation.pk, body="Yes.")

    page = browser_for(buyer).get(f"/suppliers/{supplier.member_id}/").content.decode()

    assert f"/messages/new/?supplier={supplier.member_id}" in page
    assert "Responds to 100% of inquiries within 24 h" in page


def test_sending_an_inquiry_from_the_form_with_an_attachment(buyer, supplier, listing):
    client = browser_for(buyer)
    spec = SimpleUploadedFile("spec.pdf", pdf_bytes(), content_type="application/pdf")

    response = client.post(
        f"/messages/new/?listing={listing.pk}",
        {"quantity": "500", "message": QUESTION, "attachments": [spec]},
    )

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation.pk}/"
    assert MessageAttachment.objects.get().original_name == "spec.pdf"


def test_an_inquiry_form_error_is_shown_on_the_page(buyer, listing):
    response = browser_for(buyer).post(
        f"/messages/new/?listing={listing.pk}", {"quantity": "500", "message": ""}
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"message": ["Required."]}
    assert "Required." in response.content.decode()
    assert Conversation.objects.count() == 0


def test_inbox_lists_conversations_with_unread_and_mailbox_usage(buyer, supplier, listing):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    client = browser_for(supplier)

    response = client.get("/messages/")

    page = response.content.decode()
    assert response.status_code == 200
    assert listing.title in page
    assert "1 new" in page
    assert "of 50.0\xa0MB used" in page
    assert 'class="badge badge-unread"' in page  # the header's unread count


def test_the_conversation_page_shows_the_thread_marks_it_read_and_takes_a_reply(
    buyer, supplier, listing
):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    conversation = Conversation.objects.get()
    client = browser_for(supplier)

    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert QUESTION in page
    assert Message.objects.get().read_at is not None

    response = client.post(f"/messages/{conversation.pk}/reply/", {"body": "USD 11.00 FOB."})
    assert (response.status_code, response["Location"]) == (302, f"/messages/{conversation.pk}/")
    assert Message.objects.filter(sender=supplier).get().body == "USD 11.00 FOB."


def test_htmx_reply_gets_the_conversation_back(buyer, supplier, listing):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    conversation = Conversation.objects.get()

    response = browser_for(supplier).post(
        f"/messages/{conversation.pk}/reply/", {"body": "Sure."}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'id="conversation"' in response.content.decode()
    assert "Sure." in response.content.decode()


def test_someone_elses_conversation_page_is_404(buyer, listing):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    conversation = Conversation.objects.get()
    stranger = browser_for(member_create(country="GB"))

    assert stranger.get(f"/messages/{conversation.pk}/").status_code == 404
    assert stranger.post(f"/messages/{conversation.pk}/reply/", {"body": "x"}).status_code == 404


def test_the_report_button_files_a_complaint(buyer, supplier, listing):
    services.inquiry_send(buyer=buyer, listing_id=listing.pk, quantity=100, message=QUESTION)
    conversation = Conversation.objects.get()

    response = browser_for(supplier).post(
        f"/messages/{conversation.pk}/report/",
        {"ground": "6.3 d", "description": "Spam from a competitor."},
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.subject, complaint.complainant) == (buyer, supplier)


def test_the_email_opt_out_is_saved_from_the_inbox(supplier):
    client = browser_for(supplier)

    response = client.post("/messages/preferences/", {})

    assert response.status_code == 302
    assert supplier.messaging_preference.email_on_new_message is False


def test_staff_release_a_held_message_in_the_console(buyer, supplier, listing):
    from tests.factories import staff_create
    from tradepost.audit.models import AuditEntry

    services.inquiry_send(
        buyer=buyer, listing_id=listing.pk, quantity=1, message="Pay at http://pay.example.net/a"
    )
    message = Message.objects.get()
    staff = staff_create(username="tns", role="Trust & safety agent")
    client = Client()
    client.force_login(staff)

    listed = client.get("/console/trade/message/?delivery__exact=held")
    response = client.post(
        "/console/trade/message/",
        {"action": "release", "_selected_action": [message.pk]},
    )

    assert listed.status_code == 200
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.delivery == "delivered"
    assert AuditEntry.objects.get(action="message.released").actor == staff


@pytest.mark.parametrize("query", ["?supplier=nobody", "?supplier=cn%00x", "?listing=99999", ""])
def test_the_inquiry_form_for_no_such_supplier_or_listing_is_404(buyer, query):
    assert browser_for(buyer).get(f"/messages/new/{query}").status_code == 404


def test_the_sender_sees_that_its_message_was_held_or_flagged(buyer, supplier, listing):
    services.inquiry_send(
        buyer=buyer, listing_id=listing.pk, quantity=1, message="Mail me: jan@elsewhere-mail.com"
    )
    conversation = Conversation.objects.get()
    services.message_send(
        member=buyer, conversation_id=conversation.pk, body="Or pay at http://pay.example.net/a"
    )

    page = browser_for(buyer).get(f"/messages/{conversation.pk}/").content.decode()
    supplier_page = browser_for(supplier).get(f"/messages/{conversation.pk}/").content.decode()

    assert "Delivered with a caution to the recipient" in page
    assert "Held for review: not yet delivered" in page
    assert "pay.example.net" not in supplier_page
    assert "Caution: this message contains" in supplier_page
