"""Enforcement gates: how the apps below `trust` ask whether a disciplinary action stops a member.

Clause 6.2: an action takes effect at once at every entry point (login, API, pages, listing
posting, search, later orders and messages). `members` and `catalog` may not import `trust`
(it sits above them), so they ask here, and `trust` registers the answers in its
`AppConfig.ready()`. With nothing registered (an app test without trust) every gate allows.

A gate reads the actions in force at `now`: an action whose end has passed no longer counts,
so expiry needs no job to run first (`trust.services.actions.actions_expire_due` tidies up
what an expired suspension changed, and is called lazily from login and search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Clause 6.2 (iv): the features an action may restrict, by name.
FEATURES = ("new_listings", "messaging", "orders", "search_visibility", "promotions")


@dataclass(frozen=True)
class Decision:
    """Whether a member may use a feature now, and if not, which action and clause say no."""

    allowed: bool
    action_id: int | None = None
    clause: str = ""
    ends_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(allowed=True)


@dataclass(frozen=True)
class CapLimit:
    """Clause 6.2 (iii): a cap on the member's published listings set by an action."""

    cap: int
    action_id: int
    clause: str


FeatureGate = Callable[[Any, str, datetime | None], Decision]
CapGate = Callable[[Any, datetime | None], CapLimit | None]
SearchGate = Callable[[], set[int]]
ExpiryHook = Callable[[Any], bool]
ReviewGate = Callable[[Any], bool]


@dataclass(frozen=True)
class TradeRefusal:
    """Clause 5.13: why a trade between two members (to a destination) is stopped, in words
    the member may read (never the list entry behind it), and the rule that decided."""

    reason: str
    rule: str
    clause: str = "5.13"


TradeGate = Callable[[Any, Any, str, tuple[int, ...]], TradeRefusal | None]

_feature_gates: list[FeatureGate] = []
_cap_gates: list[CapGate] = []
_search_gates: list[SearchGate] = []
_expiry_hooks: list[ExpiryHook] = []
_review_gates: list[ReviewGate] = []
_trade_gates: list[TradeGate] = []


def register(
    *,
    feature: FeatureGate | None = None,
    listing_cap: CapGate | None = None,
    search_hidden: SearchGate | None = None,
    expire_due: ExpiryHook | None = None,
    compliance_review: ReviewGate | None = None,
    trade: TradeGate | None = None,
) -> None:
    """Called once from an AppConfig.ready(); registering the same callable twice is a no-op."""
    if feature is not None and feature not in _feature_gates:
        _feature_gates.append(feature)
    if listing_cap is not None and listing_cap not in _cap_gates:
        _cap_gates.append(listing_cap)
    if search_hidden is not None and search_hidden not in _search_gates:
        _search_gates.append(search_hidden)
    if expire_due is not None and expire_due not in _expiry_hooks:
        _expiry_hooks.append(expire_due)
    if compliance_review is not None and compliance_review not in _review_gates:
        _review_gates.append(compliance_review)
    if trade is not None and trade not in _trade_gates:
        _trade_gates.append(trade)


def feature_allowed(member: Any, feature: str, now: datetime | None = None) -> Decision:
    """Clause 6.2 (ii), (iv): the first gate that refuses decides."""
    for gate in _feature_gates:
        decision = gate(member, feature, now)
        if not decision.allowed:
            return decision
    return ALLOWED


def listing_cap(member: Any, now: datetime | None = None) -> CapLimit | None:
    """Clause 6.2 (iii): the lowest cap any action in force puts on the member's listings."""
    limits = [limit for gate in _cap_gates if (limit := gate(member, now)) is not None]
    return min(limits, key=lambda limit: limit.cap) if limits else None


def search_hidden_suppliers() -> set[int]:
    """Clause 6.2 (iv): the keys (pk) of the members an action hides from search now."""
    hidden: set[int] = set()
    for gate in _search_gates:
        hidden |= gate()
    return hidden


def expire_due(member: Any = None) -> bool:
    """Let enforcement end what has expired (for one member, or everyone when None) before a
    check reads a member's status. True when something changed."""
    changed = False
    for hook in _expiry_hooks:
        changed = hook(member) or changed
    return changed


def compliance_review_pending(member: Any) -> bool:
    """Clause 5.13: whether the member is restricted pending a compliance review (answered by
    `compliance`, which sits above members). Says nothing of what the review is about."""
    return any(gate(member) for gate in _review_gates)


def trade_refusal(
    buyer: Any, supplier: Any, destination: str, goods: tuple[int, ...] = ()
) -> TradeRefusal | None:
    """Clause 5.13: the first gate that stops an order or RFQ between `buyer` and `supplier`
    (None for an RFQ not yet sent to a supplier) to `destination` (ISO 3166 code) of goods in
    the categories `goods` (catalog category ids)."""
    for gate in _trade_gates:
        refusal = gate(buyer, supplier, destination, goods)
        if refusal is not None:
            return refusal
    return None
