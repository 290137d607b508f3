"""Journey: the API docs render with no internet, under the Content-Security-Policy."""

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline_without_policy_violations(page: Page, live_server):
    # given: a browser that can reach nothing but the live server
    blocked: list[str] = []
    violations: list[str] = []

    def only_the_live_server(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_live_server)
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    # when: the docs page is opened
    page.goto("/api/v1/docs")

    # then: Swagger UI lists the API's operations, loaded only from the live server
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tradepost")
    register = page.locator(".opblock-post .opblock-summary-path", has_text="/api/v1/members")
    expect(register.first).to_be_visible()
    expect(
        page.locator(".opblock-get .opblock-summary-path[data-path='/api/v1/members/me']")
    ).to_have_count(1)
    assert page.locator(".opblock").count() > 20
    assert blocked == []
    assert violations == []
