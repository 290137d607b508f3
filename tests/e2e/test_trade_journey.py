"""Issue 11, done when (browser half): in two browsers, a buyer and a supplier go from an
inquiry to an RFQ, a quotation, an order placed, accepted, paid (SIMULATED), shipped and
confirmed, and feedback on the storefront; a disputed order is refunded by a staff decision
in the console; a suspended member cannot order or message. Every step is asserted on the
page, the ledger at the end.

The API half is tests/trade/test_trade_journey.py; the seeded marketplace is tests/e2e/site.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.checks import axe_problems
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import session_cookie
from tests.factories import PASSWORD, listing_create, member_create, staff_create
from tests.trade.disputes_helpers import age_dispute, shipped_order_due
from tests.trade.rfq_factories import restrict
from tradepost.trade.models.disputes import Dispute
from tradepost.trade.models.messaging import Conversation, Message
from tradepost.trade.models.orders import Order
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trade.selectors.orders import order_ledger_entries, order_money
from tradepost.trust.services.actions import action_take
from tradepost.trust.services.status import member_suspend

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS / "trade"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    problems = axe_problems(page)
    assert problems == [], f"{page.url}:\n" + "\n".join(problems)


def step_done(page: Page) -> None:
    expect(page.get_by_role("status").first).to_be_visible()


def order_status(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text(
        re.compile(rf"^{re.escape(text)}")
    )


def timeline(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("ol.timeline")).to_contain_text(text)


def next_step(page: Page):
    return page.get_by_role("region", name="Next step")


def test_inquiry_rfq_quotation_order_pay_ship_confirm_feedback(context_for, seeded):
    listing = seeded.listing
    buyer = context_for("buyer", "desktop", seeded).new_page()
    supplier = context_for("supplier", "desktop", seeded).new_page()

    # The buyer contacts the supplier from the listing page: an inquiry with a quantity.
    buyer.goto(f"/listings/{listing.pk}/")
    buyer.get_by_role("main").get_by_role("link", name="Contact supplier").first.click()
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(seeded.supplier.company_name)
    accessible(buyer)
    buyer.get_by_label("Quantity").fill("1000")
    buyer.get_by_label("Message").fill("Can you quote 1,000 flanges DN50, PN16, to Hamburg?")
    buyer.get_by_role("button", name="Send inquiry").click()
    expect(buyer.locator("ol.thread")).to_contain_text("Can you quote 1,000 flanges")
    shot(buyer, "01-buyer-inquiry-sent")

    # The supplier sees the unread badge, opens the conversation and replies.
    supplier.goto("/my/")
    menu = supplier.get_by_role("navigation", name="Main")
    messages_link = menu.get_by_role("link", name=re.compile(r"^Messages"))
    expect(messages_link.locator(".badge-unread")).to_contain_text("1")
    shot(supplier, "02-supplier-unread-badge")
    messages_link.click()
    expect(supplier.get_by_role("main").locator(".badge")).to_contain_text("1 new")
    accessible(supplier)
    shot(supplier, "02-supplier-inbox")
    supplier.get_by_role("main").get_by_role("link", name=re.compile(listing.title)).click()
    expect(supplier.get_by_role("main")).to_contain_text("Quantity asked")
    supplier.get_by_label("Your reply").fill("Yes, we can: please post an RFQ for 1,000.")
    supplier.get_by_role("button", name="Send", exact=True).click()
    expect(supplier.locator("ol.thread")).to_contain_text("please post an RFQ")
    accessible(supplier)
    shot(supplier, "03-supplier-replied")
    supplier.goto("/messages/")
    expect(supplier.locator(".badge-unread")).to_have_count(0)
    buyer.reload()
    expect(buyer.locator("ol.thread")).to_contain_text("please post an RFQ")

    # The buyer posts an RFQ in the listing's category, from the listing page.
    buyer.goto(f"/listings/{listing.pk}/")
    buyer.get_by_role("main").get_by_role("link", name="Request a quotation").first.click()
    main = buyer.get_by_role("main")
    expect(main.get_by_label("Category")).to_have_value(listing.category.slug)
    main.get_by_label("What do you need?").fill("Stainless steel flanges DN50 PN16")
    main.get_by_label("Quantity").fill("1000")
    main.get_by_label("Target unit price").fill("10.50")
    main.get_by_label("Destination country").select_option("DE")
    main.get_by_label("Incoterm").select_option("FOB")
    deadline = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    main.get_by_label("Quotations until (UTC)").fill(deadline)
    accessible(buyer)
    main.get_by_role("button", name="Post the RFQ").click()
    step_done(buyer)
    expect(buyer.get_by_role("heading", level=1)).to_contain_text("Stainless steel flanges DN50")
    expect(buyer.get_by_role("main")).to_contain_text("No quotation yet")
    rfq_url = buyer.url

    # The supplier finds it on the RFQ board and sends a quotation.
    supplier.goto("/rfqs/board/")
    card = (
        supplier.get_by_role("main")
        .locator("article, li")
        .filter(has_text="Stainless steel flanges DN50")
    )
    expect(card.first).to_be_visible()
    accessible(supplier)
    shot(supplier, "04-supplier-rfq-board")
    card.first.get_by_role("link", name="Send a quotation").click()
    quote = supplier.get_by_role("region", name="Send a quotation")
    quote.get_by_label("Unit price", exact=True).fill("10.20")
    quote.get_by_label("Lead time (days)").fill("25")
    valid_until = (timezone.now() + timedelta(days=20)).date()
    quote.get_by_label("Valid until").fill(valid_until.isoformat())
    quote.get_by_label("Terms", exact=True).fill("30% deposit, balance before shipping.")
    quote.get_by_label("From quantity (tier 1)").fill("1000")
    quote.get_by_label("Unit price (tier 1)").fill("9.90")
    accessible(supplier)
    quote.get_by_role("button", name="Send the quotation").click()
    step_done(supplier)
    own = supplier.get_by_role("region", name=re.compile("^Your quotation"))
    expect(own).to_contain_text("Submitted")

    # The buyer compares the quotations and accepts: an order draft, then placed.
    buyer.goto(rfq_url)
    compare = buyer.get_by_role("table")
    expect(compare).to_contain_text(seeded.supplier.company_name)
    expect(compare).to_contain_text("9.90")
    accessible(buyer)
    shot(buyer, "05-buyer-compares")
    compare.get_by_role("button", name=re.compile("^Accept")).click()
    order_status(buyer, "Draft")
    expect(next_step(buyer)).to_contain_text("Place order")
    order_url = buyer.url
    order = Order.objects.get(buyer=seeded.buyer)
    assert order.total == Decimal("9900")
    next_step(buyer).get_by_role("button", name="Place order").click()
    step_done(buyer)
    order_status(buyer, "Placed")
    timeline(buyer, "laced")

    # The supplier accepts the order.
    supplier.goto(order_url)
    order_status(supplier, "Placed")
    next_step(supplier).get_by_role("button", name="Accept order").click()
    step_done(supplier)
    order_status(supplier, "Accepted")

    # The buyer pays with the SIMULATED provider, and the page says it is simulated.
    buyer.reload()
    order_status(buyer, "Accepted")
    expect(next_step(buyer)).to_contain_text("SIMULATED payment")
    accessible(buyer)
    shot(buyer, "06-buyer-pays-simulated")
    next_step(buyer).get_by_role("button", name=re.compile(r"^Pay .*\(simulated\)$")).click()
    step_done(buyer)
    order_status(buyer, "Paid")
    timeline(buyer, "SIMULATED provider")
    expect(buyer.get_by_role("main").locator("dl.facts")).to_contain_text("Held in escrow")

    # The supplier ships with a carrier and tracking.
    supplier.reload()
    ship = next_step(supplier)
    ship.get_by_label("Carrier").fill("COSCO")
    ship.get_by_label("Tracking number").fill("COSU6214837")
    accessible(supplier)
    ship.get_by_role("button", name="Mark as shipped").click()
    step_done(supplier)
    order_status(supplier, "Shipped")
    timeline(supplier, "COSCO COSU6214837")

    # The buyer confirms receipt: the order is completed and the supplier paid.
    buyer.reload()
    order_status(buyer, "Shipped")
    next_step(buyer).get_by_role("button", name="Confirm receipt").click()
    step_done(buyer)
    order_status(buyer, "Completed")
    expect(buyer.get_by_role("main")).to_contain_text("Released to the supplier")
    expect(next_step(buyer)).to_have_count(0)

    # The buyer leaves feedback; it shows on the supplier's storefront.
    feedback = buyer.get_by_role("region", name="Feedback")
    feedback.get_by_label("5", exact=True).check()
    feedback.get_by_label("Comment").fill("Well packed, on time, exactly as quoted.")
    feedback.get_by_role("button", name="Give feedback").click()
    step_done(buyer)
    expect(buyer.get_by_role("region", name="Feedback")).to_contain_text("You rated this order 5")
    accessible(buyer)
    shot(buyer, "07-buyer-order-completed")
    buyer.goto(f"/suppliers/{seeded.supplier.member_id}/")
    expect(buyer.get_by_role("main")).to_contain_text("Rated 5.0 / 5 (1 review)")
    expect(buyer.get_by_role("main")).to_contain_text("Well packed, on time, exactly as quoted.")
    accessible(buyer)
    shot(buyer, "08-storefront-feedback")

    # The ledger: balanced, and the supplier is owed the total less the platform fee.
    order.refresh_from_db()
    money = order_money(order)
    assert (money.paid, money.refunded, money.held) == (order.total, 0, 0)
    payable = [
        e.amount
        for e in order_ledger_entries(order)
        if e.account.key.startswith(f"supplier_payable:{seeded.supplier.pk}:")
    ]
    assert payable == [order.total - money.fee]
    assert money.fee == Decimal("297")  # the 3% platform fee
    assert ledger_check()["balanced"] is True
    staff = context_for("staff", "desktop", seeded).new_page()
    staff.goto(f"/console/trade/order/{order.pk}/change/")
    expect(staff.get_by_role("main")).to_contain_text(f"supplier_payable:{seeded.supplier.pk}:")
    expect(staff.get_by_role("main")).to_contain_text("paid 9900")


# --- A dispute refunded by staff, and a suspended member ----------------------------------


def logged_in(browser, live_server, user) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies([session_cookie(user, live_server.url)])
    return context.new_page()


@pytest.fixture
def parties(bundled_terms):
    """A buyer, a supplier with a published listing (no images: quicker than `seeded`)."""
    buyer = member_create(country="US", company_name="Lakeshore Retail Inc.", roles=["buyer"])
    supplier = member_create(
        country="CN", company_name="Ningbo Harbour Valves Co., Ltd.", roles=["supplier"]
    )
    return buyer, supplier, listing_create(supplier)


def test_a_disputed_order_is_refunded_by_a_staff_decision(browser, live_server, parties):
    buyer, supplier, listing = parties
    order = shipped_order_due(buyer, supplier, listing)  # shipped; the delivery date passed
    paid = order_money(order).paid
    agent = staff_create(username="tsa-disputes", role="Trust & safety agent")
    bp = logged_in(browser, live_server, buyer.user)
    sp = logged_in(browser, live_server, supplier.user)
    url = f"/my/orders/{order.pk}/"

    # The buyer opens a dispute: reason, refund asked, statement.
    bp.goto(url)
    order_status(bp, "Shipped")
    form = bp.get_by_role("region", name="Open a dispute")
    form.get_by_label("Reason").select_option("not_received")
    form.get_by_label("Refund asked (USD)").fill("400")
    form.get_by_label("What happened").fill("Nothing arrived by the agreed delivery date.")
    accessible(bp)
    form.get_by_role("button", name="Open a dispute").click()
    step_done(bp)
    panel = bp.get_by_role("region", name=re.compile("^Dispute"))
    expect(panel.locator(".badge")).to_have_text(re.compile("^Open"))
    expect(panel).to_contain_text("Nothing arrived by the agreed delivery date.")
    expect(panel).to_contain_text("no funds are released")
    shot(bp, "10-buyer-dispute-opened")
    dispute = Dispute.objects.get(order=order)
    assert dispute.refund_requested == Decimal("400")

    # The supplier responds without accepting the refund.
    sp.goto(url)
    panel = sp.get_by_role("region", name=re.compile("^Dispute"))
    panel.get_by_label("Your response").fill("Shipped on time with COSCO; tracking shows transit.")
    accessible(sp)
    panel.get_by_role("button", name="Respond").click()
    step_done(sp)
    expect(sp.get_by_role("region", name=re.compile("^Dispute"))).to_contain_text(
        "tracking shows transit"
    )

    # Four days on, the buyer may escalate to staff.
    age_dispute(dispute.pk, days=4)
    bp.reload()
    panel = bp.get_by_role("region", name=re.compile("^Dispute"))
    panel.get_by_role("button", name="Escalate to Tradepost staff").click()
    step_done(bp)
    expect(bp.get_by_role("region", name=re.compile("^Dispute")).locator(".badge")).to_have_text(
        re.compile("Escalated")
    )

    # A trust & safety agent decides in the console: a refund of 250.
    staff = logged_in(browser, live_server, agent)
    staff.goto("/console/trade/dispute/")
    staff.get_by_role("link", name="Decide…").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(f"Decide dispute {dispute.pk}")
    staff.get_by_label("Refund amount").fill("250")
    staff.get_by_label("Reason").fill("Tracking shows a loss in transit of part of the goods.")
    accessible(staff)
    shot(staff, "11-staff-decides")
    staff.get_by_role("button", name="Decide").click()
    expect(staff.get_by_text(f"Dispute {dispute.pk} decided.")).to_be_visible()

    # The buyer sees the refund on the order; the ledger balances.
    bp.reload()
    panel = bp.get_by_role("region", name=re.compile("^Dispute"))
    expect(panel).to_contain_text(re.compile(r"Refunded\s*USD\s250\.00"))
    expect(panel).to_contain_text("Tracking shows a loss in transit")
    expect(bp.get_by_role("main").locator("dl.facts").first).to_contain_text("Refunded")
    accessible(bp)
    shot(bp, "12-buyer-refunded")
    money = order_money(Order.objects.get(pk=order.pk))
    assert money.refunded == Decimal("250")
    assert money.refunded <= money.paid == paid
    assert money.held == 0
    assert ledger_check()["balanced"] is True


def test_a_suspended_member_cannot_order_or_message(browser, live_server, parties):
    buyer, _, listing = parties
    bp = logged_in(browser, live_server, buyer.user)
    bp.goto(f"/listings/{listing.pk}/")
    order_link = bp.get_by_role("main").get_by_role("link", name=re.compile(r"^Order"))
    expect(order_link).to_be_visible()

    # Staff suspend the buyer while it has the listing open (clause 6.2 (i)).
    member_suspend(member=buyer, reason="Breach of clause 6.1.", by=staff_create(superuser=True))

    # Its session ended: ordering asks it to log in, and logging in says it is suspended.
    order_link.click()
    expect(bp).to_have_url(re.compile(r"/login/"))
    bp.get_by_label("Member ID or email").fill(buyer.email)
    bp.get_by_label("Password").fill(PASSWORD)
    bp.get_by_role("button", name="Log in").click()
    expect(bp.get_by_role("main")).to_contain_text("suspended")
    expect(bp).to_have_url(re.compile(r"/login/"))
    accessible(bp)
    shot(bp, "20-suspended-login")
    bp.goto(f"/messages/new/?listing={listing.pk}")
    expect(bp).to_have_url(re.compile(r"/login/"))
    expect(bp.get_by_role("button", name="Send inquiry")).to_have_count(0)

    # Nothing was created.
    assert Order.objects.filter(buyer=buyer).count() == 0
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_member_restricted_from_orders_and_messaging_is_refused_on_the_pages(
    browser, live_server, parties
):
    buyer, _, listing = parties
    restrict(buyer, feature="orders")
    action_take(
        member=buyer,
        kind="restrict_feature",
        clause="6.2 (iv)",
        reason="Spam inquiries.",
        by=staff_create(username="tsa-messaging", role="Trust & safety agent"),
        feature="messaging",
    )
    bp = logged_in(browser, live_server, buyer.user)

    # The listing page offers no order, contact or RFQ, and says why.
    bp.goto(f"/listings/{listing.pk}/")
    main = bp.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(listing.title)
    expect(main).to_contain_text("A disciplinary action restricts orders on your account.")
    expect(main).to_contain_text("A disciplinary action restricts messaging on your account.")
    expect(main.get_by_role("link", name=re.compile(r"^Order"))).to_have_count(0)
    expect(main.get_by_role("link", name="Contact supplier")).to_have_count(0)
    expect(main.get_by_role("link", name="Request a quotation")).to_have_count(0)
    accessible(bp)
    shot(bp, "21-restricted-listing")

    # Going to the forms directly: refused on the page, with no form to send.
    response = bp.goto(f"/listings/{listing.pk}/order/")
    assert response is not None and response.status == 403
    expect(bp.get_by_role("alert")).to_contain_text("restricts orders on your account")
    expect(bp.get_by_role("button", name="Place order")).to_have_count(0)
    accessible(bp)
    shot(bp, "22-restricted-order")
    response = bp.goto(f"/messages/new/?listing={listing.pk}")
    assert response is not None and response.status == 403
    expect(bp.get_by_role("alert")).to_contain_text("restricts messaging on your account")
    expect(bp.get_by_role("button", name="Send inquiry")).to_have_count(0)
    accessible(bp)
    shot(bp, "23-restricted-inquiry")

    assert Order.objects.filter(buyer=buyer).count() == 0
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0
