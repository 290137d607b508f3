"""Demo data for maintenance (clause 9.1): one scheduled maintenance window, not read-only,
starting within the banner's lead time, so the banner and the status page have content."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tradepost.billing.models import ServiceWindow, WindowCause, WindowKind
from tradepost.billing.services.operations import service_window_create

DEMO_TITLE = "Database upgrade (demo)"


def demo_operations_load() -> int:
    if ServiceWindow.objects.filter(title=DEMO_TITLE).exists():
        return 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = now + timedelta(days=1, hours=2)
    service_window_create(
        kind=WindowKind.MAINTENANCE,
        cause=WindowCause.MAINTENANCE,
        title=DEMO_TITLE,
        message=(
            "We upgrade the database. Browsing and orders keep working; a short read-only "
            "pause may follow."
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        read_only=False,
        by=None,
    )
    return 1


def operations_tour(base_url: str) -> list[str]:
    return [
        f"Service status     {base_url}/status/  (one scheduled maintenance window, banner on)",
        f"  windows          {base_url}/console/billing/servicewindow/  (schedule, end, cancel)",
    ]
