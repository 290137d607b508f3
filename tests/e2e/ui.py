"""How the journeys find things on the pages: every selector of test_journeys.py is here.

The pages are being rewritten (issue 9), so each helper looks for the new markup first (the
names the issue gives: "Search", "Supplier country", "Add tier", "Images"...) and falls back
to today's. After the rewrite lands, drop the fallbacks that no longer match anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Locator, Page, expect


def first(*locators: Locator) -> Locator:
    """The first of the locators that matches something on the page (else the last)."""
    for locator in locators:
        if locator.count():
            return locator.first
    return locators[-1].first


def register(page: Page, *, company: str, email: str, password: str, country: str) -> None:
    """The registration form, as test_register_login.py fills it."""
    page.goto("/register/")
    site = page.get_by_label("Alibaba Sites")
    if site.count():  # the site question goes once hosts map to sites
        site.check()
    page.get_by_label("Company legal name").fill(company)
    page.get_by_label("Business type").select_option("manufacturer")
    page.get_by_label("Country of principal place of business").select_option(country)
    page.get_by_label("Principal place of business address").fill("88 Wensan Road, Hangzhou")
    page.get_by_label("Contact person").fill("Li Wei")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Phone").fill("+86 571 8502 2088")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_label("I am of legal age").check()
    page.get_by_label("I will use Tradepost for business purposes only").check()
    page.get_by_label("I have read and accept the Terms of Use").check()
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/(account|my)/"))


def open_menu(page: Page) -> None:
    """On a phone the header menu may be folded behind a button or a <details>."""
    toggle = page.get_by_role("button", name=re.compile(r"^(menu|open menu)$", re.I))
    if toggle.count() and toggle.first.is_visible():
        toggle.first.click()


def open_listing_editor(page: Page) -> None:
    page.goto("/my/listings/")
    link = page.get_by_role("link", name=re.compile(r"(post|new|add|create) (a )?listing", re.I))
    if link.count():
        link.first.click()
    else:
        page.goto("/my/listings/new/")
    expect(page.get_by_label("Title", exact=True)).to_be_visible()


def fill_listing(
    page: Page,
    *,
    title: str,
    description: str,
    category: str,
    currency: str,
    moq: int,
    unit: str,
    tiers: Sequence[tuple[int, str]],
) -> None:
    main = page.get_by_role("main")  # the header has its own search "Category"
    main.get_by_label("Title", exact=True).fill(title)
    main.get_by_label("Description", exact=True).fill(description)
    main.get_by_label("Category", exact=True).select_option(category)
    _choose(main.get_by_label("Currency", exact=True), currency)
    main.get_by_label("Minimum order quantity").fill(str(moq))
    unit_box = first(main.get_by_label("Unit", exact=True), main.get_by_label("Unit of measure"))
    _choose(unit_box, unit)
    fill_tiers(page, tiers)


def _choose(control: Locator, value: str) -> None:
    """A dropdown (new markup) or a text box (today)."""
    if control.evaluate("el => el.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


def fill_tiers(page: Page, tiers: Sequence[tuple[int, str]]) -> None:
    """Rows labelled "Tier N: from quantity"; today all shown, new: added by "Add tier"."""
    main = page.get_by_role("main")
    add = main.get_by_role("button", name=re.compile(r"add (a )?(price )?tier", re.I))
    for i, (qty, price) in enumerate(tiers):
        qty_box = main.get_by_label(re.compile(rf"^Tier {i + 1}: from quantity"))
        if not (qty_box.count() and qty_box.first.is_visible()) and add.count():
            add.first.click()  # rows past the first are added (or revealed) on demand
        main.get_by_label(re.compile(rf"^Tier {i + 1}: from quantity")).fill(str(qty))
        main.get_by_label(re.compile(rf"^Tier {i + 1}: unit price")).fill(price)


def images_in_form(page: Page) -> Locator | None:
    """The editor's multi-file input, when images are in the same step (new markup)."""
    control = page.get_by_role("main").locator("form input[type=file][multiple]")
    return control.first if control.count() else None


def submit_listing(page: Page) -> None:
    page.get_by_role("main").get_by_role(
        "button", name=re.compile(r"^(submit for publishing|publish|post listing)$", re.I)
    ).first.click()


def add_images_one_by_one(page: Page, files: Sequence[Path]) -> None:
    """Today's editor: one upload per image, on the listing's edit page."""
    for path in files:
        first(page.get_by_label("Product image"), page.get_by_label("Images")).set_input_files(
            str(path)
        )
        page.get_by_role("button", name=re.compile(r"^upload", re.I)).first.click()
        expect(page.get_by_role("status").first).to_be_visible()


def search_box(page: Page) -> Locator:
    """The keyword box: the header's search (new) or the search page's "Words" (today)."""
    return first(
        page.get_by_role("search").get_by_role("searchbox"),
        page.get_by_label("Search", exact=True),
        page.get_by_label("Words", exact=True),
    )


def search_for(page: Page, words: str) -> None:
    if not search_box(page).count():
        page.goto("/search/")
    box = search_box(page)
    box.fill(words)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?"))


def open_filters(page: Page) -> None:
    """On a phone the filters fold into <details class="filters">."""
    details = page.locator("details.filters")
    if details.count() and not details.first.evaluate("el => el.open"):
        details.first.locator("summary").click()


def filter_results(page: Page, *, qty: int, country: str, verified: bool) -> None:
    open_filters(page)
    main = page.get_by_role("main")
    first(
        main.get_by_label("Quantity you need", exact=True),
        main.get_by_label("Quantity", exact=True),
        main.get_by_label("at quantity"),
    ).fill(str(qty))
    _choose(first(main.get_by_label("Supplier country"), main.get_by_label(re.compile("country"))),
            country)  # fmt: skip
    if verified:
        main.get_by_label("Verified suppliers only").check()
    apply = main.get_by_role("button", name=re.compile(r"^(apply|apply filters|search)$", re.I))
    with page.expect_navigation():
        apply.last.click()


def price(amount: str, currency: str = "USD") -> re.Pattern[str]:
    """`USD 11.00` (the issue's format, Babel) or today's `$11.00`."""
    return re.compile(rf"({currency}\s?|\$){re.escape(amount)}")


def result_link(page: Page, title: str) -> Locator:
    return page.get_by_role("main").get_by_role("link", name=title, exact=True)


def result_thumbnail(page: Page, title: str) -> Locator:
    """The picture of the result card whose title is `title`."""
    link = page.get_by_role("link", name=title, exact=True)
    card = page.get_by_role("main").locator("article, li").filter(has=link).last
    return card.locator("img").first


def storefront_link(page: Page, company: str) -> Locator:
    return page.get_by_role("main").get_by_role("link", name=company).first
