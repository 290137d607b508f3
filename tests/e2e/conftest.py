"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium; skipped without /usr/bin/chromium, except in CI where it must run.

    Playwright's sync API keeps an event loop running in this thread while it is open, so
    Django's async-safety guard would refuse the test's own ORM calls (and the database
    flush after each test). DJANGO_ALLOW_ASYNC_UNSAFE lifts the guard for exactly that
    time: set here, not at import, so it never leaks into other tests or subprocesses
    (`check --deploy` rejects it).
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run e2e tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so e2e tests may not be skipped)")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # `expect` waits 5 s by default; a CI machine running the suite on two busy cores
    # renders the 300 KB OpenAPI document in Swagger UI in longer than that.
    expect.set_options(timeout=15_000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded images go to a directory of this test; the live server reads the same."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def terms_with_clauses(bundled_terms):
    """The bundled Terms with their clause trees, as migration terms 0004 gives them: a
    transactional test's flush removes both, and bundled_terms puts back only the versions."""
    from tradepost.terms.clause_rows import clause_rows_create
    from tradepost.terms.models import Clause, TermsVersion
    from tradepost.terms.parsing import parse_version_body

    for version in TermsVersion.objects.filter(clauses__isnull=True).order_by("pk"):
        part = parse_version_body(version.body, effective_date=version.effective_date)
        version.preamble = part.preamble
        version.save(update_fields=["preamble"])
        clause_rows_create(clause_model=Clause, version=version, part=part)


@pytest.fixture
def seeded(terms_with_clauses, media):
    """The small marketplace of tests/e2e/site.py: every registered page has something."""
    from tests.e2e.site import seed

    return seed()


@pytest.fixture
def context_for(browser, live_server):
    """`context_for(role, viewport, data)`: a browser context logged in as the role."""
    from tests.e2e.site import VIEWPORTS, session_cookie, user_for

    contexts = []

    def make(role: str, viewport: str, data=None):
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
        context.set_default_timeout(15_000)
        user = user_for(role, data) if data is not None else None
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
