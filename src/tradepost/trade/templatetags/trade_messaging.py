"""Template tags trade lends to other apps' pages, so the catalog's storefront and listing
pages show a supplier's response rate without the catalog importing trade."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext, ngettext

from tradepost.policy.trade import load_trade_policy
from tradepost.trade.selectors.messaging import supplier_response_stats

register = template.Library()


def _duration(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    if minutes < 60:
        return ngettext("%(n)s minute", "%(n)s minutes", max(minutes, 1)) % {"n": max(minutes, 1)}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = round(hours / 24)
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


@register.inclusion_tag("trade/messaging/_supplier_response.html")
def supplier_response(supplier: Any) -> dict[str, Any]:
    """The supplier's share of inquiries answered within 24 hours over the last 30 days and
    its median first-response time (policy: trade.toml [messaging])."""
    policy = load_trade_policy().messaging
    stats = supplier_response_stats(supplier)
    return {
        "stats": stats,
        "percent": round(stats.rate * 100) if stats.rate is not None else None,
        "hours": policy.response_within_hours,
        "days": policy.response_window_days,
        "typical": _duration(stats.median_response) if stats.median_response else "",
        "none_text": gettext("No inquiries answered in the last %(days)s days yet.")
        % {"days": policy.response_window_days},
    }
