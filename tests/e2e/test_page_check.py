"""Every page of the site, as each role, at a desktop and a phone width: no horizontal
overflow, every image loaded, no console error, no serious or critical axe-core violation.

The pages come from the registry in tests/e2e/site.py. A failure names the role, the
viewport and each failing path with its problems. Screenshots of every page are left in
E2E_SCREENSHOT_DIR (default: the temp dir)/pages/<role>-<viewport>-<slug>.png.
"""

import pytest

from tests.e2e.checks import ConsoleWatch, page_problems, report
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site import ROLES, VIEWPORTS, pages_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_the_page_checks(context_for, seeded, role, viewport):
    # given: a browser logged in as the role, at the viewport
    page = context_for(role, viewport, seeded).new_page()
    watch = ConsoleWatch(page)

    # when: it visits every page the role can reach
    problems = {}
    for slug, path in pages_for(role, seeded):
        shot = SCREENSHOTS / "pages" / f"{role}-{viewport}-{slug}.png"
        found = page_problems(page, watch, path, shot)
        if found:
            problems[path] = found

    # then: none has a problem
    assert not problems, report(f"{role} at {viewport} {VIEWPORTS[viewport]}", problems)
