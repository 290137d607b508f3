"""Test data for RFQs and quotations: a buyer, suppliers listing in a category, payloads."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import listing_create, member_create, staff_create
from tradepost.members.services import api_token_create
from tradepost.trade.services import rfq as services
from tradepost.trust.models.links import MemberCluster
from tradepost.trust.services.actions import action_take

CATEGORY = "pumps-valves"  # a leaf of policy/categories.toml, under industrial-machinery


def buyer_create(**kw):
    return member_create(country="DE", roles=["buyer"], **kw)


def supplier_create(*, category: str = CATEGORY, **kw):
    """A supplier with one published listing in `category` (so the board shows it RFQs)."""
    kw.setdefault("roles", ["supplier"])
    supplier = member_create(country="CN", **kw)
    listing_create(supplier, category=category)
    return supplier


def rfq_payload(**overrides) -> dict:
    payload = {
        "title": "Stainless steel ball valves DN25",
        "category": CATEGORY,
        "quantity": 1000,
        "unit": "piece",
        "target_unit_price": "4.20",
        "currency": "USD",
        "destination_country": "DE",
        "deadline": timezone.now() + timedelta(days=14),
        "description": "PN40, threaded ends, CE marked.",
        "incoterm": "FOB",
    }
    payload.update(overrides)
    return payload


def quotation_payload(**overrides) -> dict:
    payload = {
        "unit_price": "4.05",
        "currency": "USD",
        "lead_time_days": 30,
        "valid_until": (timezone.now() + timedelta(days=30)).date(),
        "terms": "30% deposit, balance before shipment. FOB Ningbo.",
        "price_tiers": [
            {"min_quantity": 1000, "unit_price": "4.05"},
            {"min_quantity": 5000, "unit_price": "3.80"},
        ],
    }
    payload.update(overrides)
    return payload


def rfq_post(buyer, **overrides):
    return services.rfq_create(buyer=buyer, data=rfq_payload(**overrides))


def quote(rfq, supplier, **overrides):
    data = quotation_payload(**overrides)
    return services.quotation_submit(rfq=rfq, supplier=supplier, data=data)


def client_for(member) -> ApiClient:
    _, raw = api_token_create(user=member.user, name="test")
    return ApiClient(token=raw)


def cluster_make(*members) -> None:
    """Put the members in one related-account cluster (trust's MemberCluster rows)."""
    root = members[0].pk
    for m in members:
        MemberCluster.objects.create(member=m, root=root, size=len(members) if m.pk == root else 1)


def restrict(member, *, kind="restrict_feature", feature="messaging"):
    agent = staff_create(username=f"agent{member.pk}", role="Trust & safety agent")
    clause = "6.2 (iv)" if kind == "restrict_feature" else "6.2 (i)"
    return action_take(
        member=member,
        kind=kind,
        clause=clause,
        reason="Breach.",
        by=agent,
        feature=feature if kind == "restrict_feature" else "",
    )
