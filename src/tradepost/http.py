"""HTTP helpers every app's views and API share: who is asking, and from where.

Below every app (see the import contracts in pyproject.toml): it knows requests and settings,
never a model.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.http.request import split_domain_port

from tradepost.policy import COUNTRY_CODES, SiteFamily, load_site_policy


def _ip(value: str | None) -> str | None:
    """A well-formed IPv4/IPv6 address, normalised, or None (never garbage into inet columns)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind N trusted proxies, the Nth address from the right.

    A forwarded entry that is not an address falls back to the peer address.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            address = _ip(forwarded[-proxies])
            if address:
                return address
    return _ip(request.META.get("REMOTE_ADDR"))


def request_access_country(request: HttpRequest) -> str | None:
    """Clause 2.1: the jurisdiction the request reveals, from a trusted edge's country header.

    Only read when ACCESS_COUNTRY_HEADER names a header set by the operator's own proxy or CDN
    (e.g. "CF-IPCountry"); an unknown or missing value reveals nothing.
    """
    header = getattr(settings, "ACCESS_COUNTRY_HEADER", "")
    if not header:
        return None
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip().upper()
    return value if value in COUNTRY_CODES else None


def request_site_family(request: HttpRequest) -> SiteFamily | None:
    """Clause 2.1: the site family the host the visitor uses serves (sites.toml), or None
    when the operator maps no site to that host (the registration form then asks)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return load_site_policy().for_host(split_domain_port(host)[0])
