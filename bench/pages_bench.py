"""make bench-pages: server time and queries of the main web pages at the demo data size.

    python bench/pages_bench.py --requests 200

Builds a throw-away SQLite database in a temporary directory, migrates it, collects the
static files (as a deployment does) and loads the demo data (`tradepost demo_data --force`:
members, listings and images through the services). Then requests each page N times
through Django's test client (the whole middleware stack and template rendering, no
network), logged in where the page needs it, after one warm-up request. Server time is the
wall-clock time of `client.get`; queries are counted on the last request of each page.
Pages: home, search (several queries, one with a quantity and filters), a listing, a
storefront, the supplier's dashboard and listings, the buyer's dashboard.

Target: p50 under 30 ms for each page (issue 9); reported, not asserted. Writes
bench/results/pages.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_P50_MS = 30.0


def configure(root: Path) -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{root / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tradepost.config.settings",
        TRADEPOST_DATA_DIR=str(root),
        DEBUG="0",  # DEBUG keeps every query in memory and renders differently
        HTTPS="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        TASKS_BACKEND="immediate",
        RATE_LIMIT_SEARCH_ADDRESS="1000000000/60",
        RATE_LIMIT_SEARCH_MEMBER="1000000000/60",
        CONN_MAX_AGE="600",
    )
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # pages not there yet: 404s


def pages() -> list[tuple[str, str, object]]:
    """(name, URL, user or None) for every page measured, from the demo data."""
    from django.db.models import Count, Q

    from tradepost.catalog.models import Listing, ListingStatus
    from tradepost.members.models import Member

    published = Q(listings__status=ListingStatus.PUBLISHED)
    supplier = (
        Member.objects.filter(is_supplier=True)
        .annotate(n=Count("listings", filter=published))
        .order_by("-n", "pk")
        .first()
    )
    buyer = Member.objects.filter(is_buyer=True, is_supplier=False).order_by("pk").first()
    listing = (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .annotate(n=Count("images"))
        .order_by("-n", "pk")
        .first()
    )
    assert supplier and buyer and listing, "the demo data has no supplier, buyer or listing"
    return [
        ("home", "/", None),
        ("search (no words)", "/search/", None),
        ("search 'cable'", "/search/?q=cable", None),
        ("search 'led panel'", "/search/?q=led+panel", None),
        ("search qty + filters", "/search/?q=fabric&qty=2000&country=CN&sort=price", None),
        ("search (no results)", "/search/?q=zzzqqq", None),
        ("listing", f"/listings/{listing.pk}/", None),
        ("storefront", f"/suppliers/{supplier.member_id}/", None),
        ("supplier dashboard", "/my/", supplier.user),
        ("supplier listings", "/my/listings/", supplier.user),
        ("buyer dashboard", "/my/", buyer.user),
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(n: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for name, url, user in pages():
        client = Client()
        if user is not None:
            client.force_login(user, backend="tradepost.members.backends.MemberLoginBackend")
        status = client.get(url).status_code  # warm-up
        times = []
        for _ in range(n - 1):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        p50 = statistics.median(times)
        rows.append(
            {
                "page": name,
                "url": url,
                "status": status,
                "requests": len(times),
                "p50_ms": round(p50, 2),
                "p99_ms": round(percentile(times, 0.99), 2),
                "queries": len(captured.captured_queries),
                "meets_target": status == 200 and p50 < TARGET_P50_MS,
            }
        )
    return rows


def print_table(report: dict) -> None:
    print(f"\nPages at the demo data size: {report['requests']} requests each, SQLite")
    print(f"{'page':<24}{'status':>7}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}  url")
    for r in report["pages"]:
        flag = "" if r["meets_target"] else "  <- over target"
        if r["status"] != 200:
            flag = f"  <- HTTP {r['status']}"
        print(
            f"{r['page']:<24}{r['status']:>7}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['queries']:>9}  {r['url']}{flag}"
        )
    print(f"target: p50 < {TARGET_P50_MS:.0f} ms per page (reported, not asserted)")
    start, end = report["load_start"], report["load_end"]
    print(f"load average (1, 5, 15 min) at start {start}, at end {end}")


def run(n: int) -> dict:
    load_start = [round(x, 2) for x in os.getloadavg()]
    root = Path(tempfile.mkdtemp(prefix="tradepost-bench-pages-"))
    try:
        configure(root)
        from django.core.management import call_command

        from tradepost.catalog.models import Listing, ListingImage

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment has
        call_command("demo_data", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        rows = measure(n)
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "database": "sqlite",
            "listings": Listing.objects.count(),
            "images": ListingImage.objects.count(),
            "requests": n,
            "target_p50_ms": TARGET_P50_MS,
            "pages": rows,
            "load_start": load_start,
            "load_end": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    report = run(max(2, args.requests))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "pages.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"written: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
