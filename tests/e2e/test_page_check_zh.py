"""The main pages in Simplified Chinese pass the same page checks as in English.

Chinese labels are shorter but do not break at spaces, so a button or a chip that fits in
English can still push a row wider than a phone. A reader who chose 简体中文 (the
`django_language` cookie the language switcher sets) visits home, search, a listing, a
storefront and the workspace at a desktop and a phone width: no horizontal overflow, every
image loaded, no console error, no serious or critical axe-core violation. Screenshots are
left in E2E_SCREENSHOT_DIR (default: the temp dir)/zh/<role>-<viewport>-<slug>.png.
"""

from urllib.parse import urlparse

import pytest

from tests.e2e.checks import ConsoleWatch, page_problems, report
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import VIEWPORTS, slug_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/",
    "/search/?q=flange&qty=600",
    "/search/?q=zzzqqq&country=DE",
    "/listings/{listing}/?qty=250",
    "/suppliers/{supplier_member_id}/",
]
PAGES = {
    "anonymous": PUBLIC,
    "buyer": ["/my/", "/my/favourites/"],
    "supplier": ["/my/", "/my/listings/", "/my/listings/new/", "/my/listings/{listing}/"],
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(PAGES))
def test_the_chinese_pages_pass_the_page_checks(context_for, live_server, seeded, role, viewport):
    # given: a browser in Simplified Chinese, logged in as the role, at the viewport
    context = context_for(role, viewport, seeded)
    host = urlparse(live_server.url).hostname
    context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}]
    )
    page = context.new_page()
    watch = ConsoleWatch(page)

    # when: it visits the role's main pages
    problems, languages = {}, set()
    for template in PAGES[role]:
        path = template.format(**seeded.ids())
        shot = SCREENSHOTS / "zh" / f"{role}-{viewport}-{slug_for(template)}.png"
        found = page_problems(page, watch, path, shot)
        languages.add(page.evaluate("() => document.documentElement.lang"))
        if found:
            problems[path] = found

    # then: every page is in Chinese and none has a problem
    assert languages == {"zh-hans"}
    assert not problems, report(f"zh-hans {role} at {viewport} {VIEWPORTS[viewport]}", problems)
