"""The console's form pages in a browser: the Cancel link beside the submit button is a button
of the same height on the same line at a desktop width, and as wide as it when they stack at
a phone width."""

import pytest

from tests.e2e.site import VIEWPORTS, session_cookie
from tests.factories import staff_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_add_action_forms_cancel_lines_up_with_its_submit_button(
    browser, live_server, bundled_terms, viewport
):
    staff = staff_create(username="tsa-e2e", role="Trust & safety agent")
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    context.add_cookies([session_cookie(staff, live_server.url)])
    page = context.new_page()

    page.goto("/console/trust/action/add/")
    submit = page.locator(".submit-row input[type=submit]").bounding_box()
    cancel = page.locator(".submit-row a.cancel-link").bounding_box()
    text_top = page.locator(".submit-row a.cancel-link").evaluate(
        "a => { const r = document.createRange(); r.selectNodeContents(a);"
        " const box = a.getBoundingClientRect(), text = r.getBoundingClientRect();"
        " return [text.top - box.top, box.bottom - text.bottom]; }"
    )
    context.close()

    assert cancel["height"] == submit["height"]
    if cancel["y"] == submit["y"]:  # side by side
        assert cancel["x"] > submit["x"] + submit["width"]
    else:  # stacked on a narrow screen
        assert (cancel["x"], cancel["width"]) == (submit["x"], submit["width"])
    above, below = text_top
    assert abs(above - below) <= 1  # the label is centred, not riding at the top
