"""The console's related accounts (clause 6.2 (i)) in a browser: the cluster page and the links
list pass the page checks (no overflow, no console error, no serious axe-core violation) at a
desktop and a phone width; screenshots in E2E_SCREENSHOT_DIR/related/."""

from datetime import UTC, datetime

import pytest

from tests.e2e.checks import ConsoleWatch, page_problems, report
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import VIEWPORTS, session_cookie
from tests.factories import member_create, staff_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_cluster_page_and_links_list_pass_the_page_checks(
    browser, live_server, bundled_terms, viewport
):
    from tradepost.trust.services.links import signal_record

    # given: three members, two on one device, two sharing a phone; one link a false positive
    a = member_create(company_name="Harbour Fittings GmbH")
    b = member_create(company_name="Harbour Fittings Trading")
    c = member_create(country="CN", company_name="Ningbo Flange Works Co., Ltd.")
    signal_record(member=a, kind="device", value="d" * 32, source="login", now=T0)
    signal_record(member=b, kind="device", value="d" * 32, source="login", now=T0)
    signal_record(member=b, kind="phone", value="+8613812341234", source="trade", now=T0)
    signal_record(member=c, kind="phone", value="+8613812341234", source="trade", now=T0)
    staff = staff_create(username="tsa-e2e", role="Trust & safety agent")
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    context.add_cookies([session_cookie(staff, live_server.url)])
    page = context.new_page()
    watch = ConsoleWatch(page)

    # when: staff open the member's cluster and the links list
    problems = {}
    for slug, path in (
        ("cluster", f"/console/trust/link/cluster/{a.member_id}/"),
        ("links", "/console/trust/link/"),
    ):
        found = page_problems(page, watch, path, SCREENSHOTS / "related" / f"{viewport}-{slug}.png")
        if found:
            problems[path] = found
    page.goto(f"/console/trust/link/cluster/{a.member_id}/")
    text = page.inner_text("#content-main")
    context.close()

    # then: no page has a problem, and the cluster shows each member and its evidence
    assert not problems, report(f"staff at {viewport}", problems)
    assert "Cluster: 3 members" in text
    assert c.member_id in text
    assert "same phone +86 138****1234 since 2026-11-03" in text
