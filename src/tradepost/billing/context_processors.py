"""The site-wide banner of maintenance windows and incidents (clause 9.1): in progress, or
starting within `[banner] lead_hours`. Reads the cached list of open windows (no query on
most pages)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from tradepost.billing.rules.operations import Phase, window_phase
from tradepost.billing.selectors.operations import banner_windows


def service_banner(request: HttpRequest) -> dict[str, object]:
    now = timezone.now()
    return {
        "service_banner": [
            {"window": w, "in_progress": window_phase(w, now) is Phase.IN_PROGRESS}
            for w in banner_windows(now)
        ]
    }
