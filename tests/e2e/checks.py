"""What the page check asserts of one page, as a list of problems in words.

- the page answers 2xx;
- no horizontal overflow (`scrollWidth <= innerWidth`), naming the widest elements;
- every <img> loaded (`complete && naturalWidth > 0`), lazy ones forced eager first;
- no console error and no uncaught exception (a CSP violation is a console error);
- no serious or critical axe-core violation (axe-playwright-python bundles axe-core).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

SERIOUS = {"serious", "critical"}

_FORCE_EAGER = """() => {
  for (const img of document.images) { if (img.loading === "lazy") img.loading = "eager"; }
  window.scrollTo(0, document.documentElement.scrollHeight);
}"""
_IMAGES_SETTLED = "() => Array.from(document.images).every(img => img.complete)"
_BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(img => !(img.complete && img.naturalWidth > 0))
  .map(img => img.getAttribute("src"))"""
_OVERFLOW = """() => {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return null;
  const one = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  const name = el => [el.parentElement?.parentElement, el.parentElement, el]
    .filter(e => e && e !== document.body).map(one).join(" > ");
  const wide = Array.from(document.body.querySelectorAll("*"))
    .filter(el => el.getBoundingClientRect().right > width)
    .filter(el => !(el.parentElement && el.parentElement.getBoundingClientRect().right > width))
    .slice(0, 4).map(name);
  return {scroll, width, wide};
}"""


class ConsoleWatch:
    """Collects console errors and uncaught exceptions of a page since the last `take()`."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught exception: {exc}"))

    def _console(self, message) -> None:
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            where = f" ({url})" if url and url not in message.text else ""
            text = message.text.split(" Either the ")[0]  # CSP: the hash advice adds nothing
            self.errors.append(f"console error: {text[:240]}{where}")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def axe_problems(page: Page) -> list[str]:
    results = _axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        nodes = violation["nodes"]
        targets = ", ".join(" ".join(map(str, n["target"])) for n in nodes[:3])
        problems.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {len(nodes)} element(s), e.g. {targets}"
        )
    return problems


def page_problems(page: Page, watch: ConsoleWatch, path: str, screenshot: Path) -> list[str]:
    """Visit `path` and return every problem found (empty: the page passes)."""
    watch.take()
    problems: list[str] = []
    try:
        response = page.goto(path, wait_until="load")
    except PlaywrightError as exc:  # e.g. an error status with an empty body
        return [f"not loaded: {str(exc).splitlines()[0]}", *watch.take()]
    if response is None or not response.ok:
        problems.append(f"HTTP {response.status if response else 'no response'}")
    page.evaluate(_FORCE_EAGER)
    with contextlib.suppress(PlaywrightError):  # the broken ones are reported just below
        page.wait_for_function(_IMAGES_SETTLED, timeout=5_000)
    broken = page.evaluate(_BROKEN_IMAGES)
    problems += [f"image not loaded: {src}" for src in broken]
    page.evaluate("() => window.scrollTo(0, 0)")
    overflow = page.evaluate(_OVERFLOW)
    if overflow:
        problems.append(
            f"horizontal overflow: scrollWidth {overflow['scroll']} > innerWidth "
            f"{overflow['width']}, widest: {', '.join(overflow['wide']) or '?'}"
        )
    # The page's own console errors, before axe runs: axe-core sets inline styles while it
    # measures (colour contrast, scrollable regions), which the strict CSP reports as errors
    # of the page although the page itself has none.
    problems += watch.take()
    problems += axe_problems(page)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    # A page many screens wide would make a picture of gigapixels: then the viewport only.
    full = not overflow or overflow["scroll"] <= 2 * overflow["width"]
    try:
        page.screenshot(path=str(screenshot), full_page=full, timeout=60_000)
    except PlaywrightError as exc:
        problems.append(f"no screenshot: {str(exc).splitlines()[0]}")
    problems += [e for e in watch.take() if "Applying inline style violates" not in e]
    return problems


def report(title: str, problems: dict[str, list[str]]) -> str:
    lines = [f"{title}: {len(problems)} page(s) with problems"]
    for path, found in problems.items():
        lines.append(f"  {path}")
        lines += [f"    - {p}" for p in found]
    return "\n".join(lines)
