"""The console's landing page: each staff member's queues by role, in a constant number of
queries; and JSON records shown as tables with human titles."""

import pytest
from django.test import Client

from tests.factories import listing_create, member_create, staff_create
from tradepost.console import json_display
from tradepost.members.models import DuplicateSignal, IdentifierKind, SignalOutcome

pytestmark = pytest.mark.django_db


def console_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queues(response) -> dict[str, int]:
    return {q.key: q.count for _, group in response.context["queue_groups"] for q in group}


def held_listing(supplier):
    return listing_create(supplier, title="KN95 masks", category="personal-protective-equipment")


def test_trust_and_safety_staff_see_their_queues_with_counts():
    supplier = member_create()
    held_listing(supplier)
    client = console_as(staff_create(username="ts", role="Trust & safety agent"))

    response = client.get("/console/")

    assert response.status_code == 200
    assert queues(response) == {"listings_held": 1, "duplicate_signals": 0}
    page = response.content.decode()
    assert "Listings held for review" in page
    assert "/console/catalog/listingawaitingreview/" in page


def test_legal_counsel_sees_the_notice_queues_not_the_moderation_queue():
    client = console_as(staff_create(username="legal", role="Legal counsel"))

    response = client.get("/console/")

    assert set(queues(response)) == {"failed_notice_sends", "inbound_wrong_entity"}


def test_a_staff_member_without_a_role_sees_no_queue():
    client = console_as(staff_create(username="plain"))

    response = client.get("/console/")

    assert response.status_code == 200
    assert response.context["queue_groups"] == []


def test_the_dashboard_runs_the_same_queries_whatever_the_queue_sizes(
    django_assert_max_num_queries,
):
    supplier = member_create()
    client = console_as(staff_create(username="admin", superuser=True))
    client.get("/console/")  # warm the session and permission caches
    held_listing(supplier)
    with django_assert_max_num_queries(12) as small:
        client.get("/console/")
    for n in range(6):
        listing_create(supplier, title=f"KN95 masks {n}", category="personal-protective-equipment")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/console/")
    assert queues(response)["listings_held"] == 7


def test_a_duplicate_signal_reads_as_a_sentence_with_the_value_masked():
    existing = member_create()
    signal = DuplicateSignal.objects.create(
        kind=IdentifierKind.PHONE,
        value="+493012345678",
        existing_member=existing,
        outcome=SignalOutcome.REFUSED,
        attempt={"company_name": "Copy GmbH", "country": "DE"},
    )

    assert str(signal) == f"Phone +49301 … shared with {existing.member_id}"

    email = DuplicateSignal(kind=IdentifierKind.EMAIL, value="jana@example.com")
    assert email.masked_value() == "j…@example.com"


def test_the_duplicate_signal_page_shows_the_attempt_as_a_table_not_json():
    existing = member_create()
    signal = DuplicateSignal.objects.create(
        kind=IdentifierKind.EMAIL,
        value=existing.email,
        existing_member=existing,
        outcome=SignalOutcome.REFUSED,
        attempt={"company_name": "Copy GmbH", "country": "DE"},
    )
    client = console_as(staff_create(username="admin", superuser=True))

    page = client.get(f"/console/members/duplicatesignal/{signal.pk}/change/").content.decode()

    assert "<th scope='row'>Company name</th><td>Copy GmbH</td>" in page
    assert "{&quot;company_name&quot;" not in page
    assert "shared with" in page


def test_json_display_turns_change_records_and_rows_into_tables():
    changes = str(json_display({"company_name": ["Old Ltd", "New Ltd"]}))
    rows = str(json_display([{"min_qty": 10, "unit_price": "6.20"}]))

    assert '<th scope="col">Before</th>' in changes
    assert "<td>Old Ltd</td><td>New Ltd</td>" in changes
    assert "<th scope='col'>From quantity</th>" in rows
    assert "<td>10</td><td>6.20</td>" in rows
    assert str(json_display("<b>x</b>")) == "&lt;b&gt;x&lt;/b&gt;"


def test_a_member_page_lists_their_listings():
    supplier = member_create()
    listing = listing_create(supplier, title="Steel bottle")
    client = console_as(staff_create(username="admin", superuser=True))

    page = client.get(f"/console/members/member/{supplier.pk}/change/").content.decode()

    assert f'href="/console/catalog/listing/{listing.pk}/change/"' in page
    assert "Steel bottle" in page


def test_the_moderation_queue_names_the_rule_by_its_title():
    supplier = member_create()
    held_listing(supplier)
    client = console_as(staff_create(username="ts", role="Trust & safety agent"))

    page = client.get("/console/catalog/listingawaitingreview/").content.decode()

    assert "Respirators and certified protective equipment" in page
    assert "restricted.ppe" in page
    assert "Moderate" in page
