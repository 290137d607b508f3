"""Issue 13, done when: a supplier upgrades to a paid tier in the browser, pays with the
SIMULATED test provider, gets an invoice PDF, is verified, has a higher listing cap, buys a
Top Ranking keyword and a Sponsored Listing campaign that show in search as promoted and are
billed correctly; a trust restriction stops the promotions; all of it visible in the ledger.

The seeded marketplace is tests/e2e/site.py; its DE supplier (`supplier2`, on the free tier,
not verified) owns the workwear fabric and the USB-C cable.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.checks import axe_problems
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import session_cookie
from tests.factories import staff_create
from tradepost.billing.models.promotions import AdClick, SponsoredCampaign, TopRankingPurchase
from tradepost.billing.models.subscriptions import Invoice, Subscription
from tradepost.billing.models.verification import VerificationRequest
from tradepost.billing.services import verification as verification_services
from tradepost.catalog.selectors import supplier_listing_cap
from tradepost.trade.models.ledger import LedgerTransaction
from tradepost.trade.selectors.ledger import ledger_check
from tradepost.trust.services.actions import action_take

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS / "billing"
FABRIC = "Cotton twill workwear fabric 240gsm"
CABLE = "Braided USB-C charging cable 1 m"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    problems = axe_problems(page)
    assert problems == [], f"{page.url}:\n" + "\n".join(problems)


def promoted_titles(page: Page, query: str) -> dict[str, str]:
    """The cards of a search page that carry a promotion badge: title -> badge text."""
    page.goto(f"/search/?q={query}")
    cards = page.locator("article:has(.badge-promoted)")
    return {
        card.locator("h3").inner_text().strip(): card.locator(".badge-promoted")
        .inner_text()
        .strip()
        for card in cards.all()
    }


def test_upgrade_pay_invoice_verify_promote_and_a_restriction_stops_it(
    browser, live_server, seeded
):
    member = seeded.supplier2
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies([session_cookie(member.user, live_server.url)])
    page = context.new_page()
    assert supplier_listing_cap(member=member)["cap"] == 50  # the free tier's

    # Upgrade: the plans offered in the supplier's region, a confirm page, the test payment.
    page.goto("/account/billing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing and paid services")
    accessible(page)
    page.locator("a[href$='/account/billing/plans/gold-usd-12m/']").click()
    expect(page.get_by_text("SIMULATED payment")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Pay USD .*\(simulated\)$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoice")
    expect(page.get_by_text(re.compile(r"Paid \(SIMULATED"))).to_be_visible()
    shot(page, "1-invoice")
    accessible(page)
    subscription = Subscription.objects.get(member=member)
    invoice = Invoice.objects.get(member=member)
    assert (subscription.plan_id, subscription.status) == ("gold-usd-12m", "active")

    # The invoice PDF, issued by the member's contracting entity, numbered, with the amounts.
    href = page.get_by_role("link", name=re.compile("Download the invoice")).get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert invoice.number in text and member.company_name in text
    assert f"{invoice.total:,.2f}" in text

    # A higher listing cap: the Gold tier's (unlimited), on the page and in the catalog.
    page.goto("/account/billing/")
    plan = page.get_by_role("region", name="Your plan")
    expect(plan).to_contain_text("gold-usd-12m")
    expect(plan).to_contain_text("Listing cap: unlimited")
    assert supplier_listing_cap(member=member)["cap"] is None

    # Verification: the supplier asks with its business licence; staff check and verify.
    page.goto("/account/verification/")
    # The seeded member has no registration number on its profile: not asked for.
    page.get_by_role("checkbox", name="Company registration number").uncheck()
    page.get_by_role("textbox", name="Business licence number").fill("HRB 12345")
    page.get_by_label("Business licence", exact=True).set_input_files(
        files=[{"name": "licence.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    page.get_by_role("button", name="Send for verification").click()
    shot(page, "2-verification-sent")
    expect(page.get_by_text("Your verification request is sent to our staff.")).to_be_visible()
    request = VerificationRequest.objects.get(supplier=member)
    agent = staff_create(username="verifier", role="Trust & safety agent")
    for check in request.checks.all():
        verification_services.verification_check_record(
            verification_id=request.pk, field=check.field, result="verified", by=agent
        )
    verification_services.verification_decide(
        verification_id=request.pk, decision="verified", by=agent
    )
    page.goto(f"/suppliers/{member.member_id}/")
    badge = page.locator(f"a[href='/suppliers/{member.member_id}/verification/']").first
    expect(badge).to_contain_text("Verified")
    badge.click()
    expect(page.get_by_text("HRB 12345")).to_be_visible()

    # Promotions: a Top Ranking keyword for the fabric, a Sponsored campaign for the cable.
    page.goto("/account/promotions/")
    top_form = page.locator("form:has(button:text('Buy and pay (SIMULATED)'))")
    top_form.get_by_label("Listing").select_option(label=FABRIC)
    top_form.get_by_label("Keyword").fill("workwear")
    top_form.get_by_label("Days").fill("7")
    top_form.get_by_role("button").click()
    expect(page.get_by_text("Top Ranking keyword bought")).to_be_visible()
    ad_form = page.locator("form:has(button:text('Start the campaign'))")
    ad_form.get_by_label("Listing").select_option(label=CABLE)
    ad_form.get_by_label("Keywords").fill("cable")
    ad_form.get_by_label("Currency").select_option("USD")
    ad_form.get_by_label("Highest price per click").fill("0.50")
    ad_form.get_by_label("Daily budget").fill("5.00")
    ad_form.get_by_role("button").click()
    expect(page.get_by_text("Sponsored campaign created.")).to_be_visible()
    shot(page, "2-promotions")
    accessible(page)
    top_ranking = TopRankingPurchase.objects.get(member=member)
    campaign = SponsoredCampaign.objects.get(member=member)

    # Search shows both as promoted, to a visitor; the API marks them too.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    assert promoted_titles(visitor, "workwear") == {FABRIC: "Promoted"}
    assert promoted_titles(visitor, "cable") == {CABLE: "Ad"}
    shot(visitor, "3-search-ad")
    api = visitor.request.get("/api/v1/listings?q=workwear").json()
    assert [hit["promoted"] for hit in api["results"] if hit["title"] == FABRIC] == [True]

    # The visitor clicks the ad: billed once at the auction price, never above the bid.
    promoted_titles(visitor, "cable")
    visitor.locator("article:has(.badge-promoted) h3 a").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(CABLE)
    click = AdClick.objects.get(campaign=campaign)
    assert click.billed and Decimal("0") < click.amount <= Decimal("0.50")

    # The ledger: one fee each for the subscription, the keyword and the click, balanced.
    fees = {
        t.reference.split(":")[0]: t.entries.get(account__purpose="platform_fees").amount
        for t in LedgerTransaction.objects.filter(kind="fee")
    }
    assert fees == {
        "subscriptions": invoice.total,
        "top_ranking": top_ranking.price,
        "sponsored": click.amount,
    }
    assert ledger_check()["balanced"] is True

    # A trust restriction on promotions (the 24-point step) stops both at once.
    action_take(
        member=member,
        kind="restrict_feature",
        clause="6.2 (iv)",
        reason="24 penalty points.",
        by=staff_create(username="ts", role="Trust & safety agent"),
        feature="promotions",
    )
    assert promoted_titles(visitor, "workwear") == {}
    assert promoted_titles(visitor, "cable") == {}
    top_ranking.refresh_from_db()
    campaign.refresh_from_db()
    assert (top_ranking.status, campaign.status) == ("stopped", "stopped")
    visitor.context.close()
    context.close()


def _pdf() -> bytes:
    from tests.factories import pdf_bytes

    return pdf_bytes()
