"""Journey: a business registers, sees its account, logs out, and logs back in by email."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tradepost.members.models import Member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bundled_terms"),
]

SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", tempfile.gettempdir()))


def test_register_log_out_and_log_in_again(page: Page):
    # given: the registration page
    page.goto("/register/")
    expect(page.get_by_role("heading", name="Register your business")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "tradepost-register.png"), full_page=True)

    # when: a business registers
    page.get_by_label("Alibaba Sites").check()
    page.get_by_label("Company legal name").fill("Rheinland Machine Parts GmbH")
    page.get_by_label("Business type").select_option("manufacturer")
    page.get_by_label("Business registration number (optional)").fill("HRB 12345")
    page.get_by_label("Country of principal place of business").select_option("DE")
    page.get_by_label("Principal place of business address").fill("Industriestr. 5\n50667 Köln")
    page.get_by_label("Contact person").fill("Jana Becker")
    page.get_by_label("Email").fill("jana@rheinland-parts.example")
    page.get_by_label("Phone").fill("+49 221 12345678")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("I am of legal age").check()
    page.get_by_label("I will use Tradepost for business purposes only").check()
    page.get_by_label("I have read and accept the Terms of Use").check()
    page.get_by_role("button", name="Register").click()

    # then: the account page shows the new member ID and who the member contracts with
    member = Member.objects.get(email="jana@rheinland-parts.example")
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", name="Rheinland Machine Parts GmbH")).to_be_visible()
    expect(page.locator(".member-id")).to_have_text(member.member_id)
    expect(page.get_by_role("status")).to_contain_text(f"Your member ID is {member.member_id}")
    entity = page.locator("#contracting-entity")
    expect(entity).to_contain_text("Alibaba.com Singapore E-Commerce Private Limited")
    expect(entity).to_contain_text("200720572D")
    page.screenshot(path=str(SCREENSHOTS / "tradepost-account.png"), full_page=True)

    # when: the member logs out
    page.get_by_role("button", name="Log out").click()

    # then: home page, logged out
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()

    # when: the member logs in with email and password
    nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Member ID or email").fill("jana@rheinland-parts.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # then: back on the account page
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.locator(".member-id")).to_have_text(member.member_id)
    expect(page.locator("#contracting-entity")).to_contain_text(
        "Alibaba.com Singapore E-Commerce Private Limited"
    )
