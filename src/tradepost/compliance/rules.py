"""Pure decisions about sanctions-list versions (clauses 5.6 k, 5.13): what an entry's
content is for change detection, and how a new version differs from the one in force."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tradepost.compliance.importers import ParsedEntry


def entry_fingerprint(entry: ParsedEntry) -> str:
    """A hash of everything an entry says: a change in any name, alias, date, country,
    identifier, programme or remark makes it a changed entry in the next version."""
    body = {
        "kind": entry.kind,
        "name": entry.name,
        "aliases": sorted(a.as_tuple() for a in entry.aliases),
        "programs": entry.programs,
        "remarks": entry.remarks,
        "data": entry.data,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_fingerprint(paths: list[Path]) -> str:
    """A hash of the input files' bytes, by file name: the same files give the same hash
    whatever order they are named in."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def publication_order(current: date | None, incoming: date | None) -> str:
    """Whether a list's incoming files are newer than the version in force, by their
    publication dates: "newer" (or the same day), "older", or "unknown" when exactly one of
    the two is dated (an OFAC CSV set carries no date; the XML of an older year must not
    silently replace it). Two undated versions are "undated": the routine CSV update, where
    only the operator knows the order. Clause 5.13: screening uses the list in force."""
    if current is None or incoming is None:
        if current is None and incoming is None:
            return "undated"
        return "unknown"
    return "older" if incoming < current else "newer"


@dataclass
class DiffPlan:
    """Source ids added, changed and removed between the version in force and a new one."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_plan(*, current: dict[str, str], incoming: dict[str, str]) -> DiffPlan:
    """`current` and `incoming` map source id to content hash; `current` holds only the entries
    in force (not removed). An id removed earlier that comes back counts as added."""
    plan = DiffPlan()
    for source_id, content_hash in incoming.items():
        before = current.get(source_id)
        if before is None:
            plan.added.append(source_id)
        elif before != content_hash:
            plan.changed.append(source_id)
    plan.removed = [source_id for source_id in current if source_id not in incoming]
    return plan


@dataclass(frozen=True)
class TradeDecision:
    """What trade screening decided, and the rule and clause that decided it."""

    allowed: bool
    rule: str = ""
    clause: str = "5.13"
    country: str = ""


def trade_screen(
    *,
    destination: str,
    party_countries: tuple[str, ...],
    counterparty_held: bool,
    embargoed: frozenset[str],
) -> TradeDecision:
    """Clause 5.13 (b), (d): an order or RFQ is stopped when a party is held pending a
    compliance review (a possible sanctioned counterparty), or when its destination or a
    party's country is under a comprehensive embargo (the listing policy's `embargoed`
    destination set, `src/tradepost/policy/listing_policy.toml`)."""
    if counterparty_held:
        return TradeDecision(allowed=False, rule="counterparty_under_review")
    if destination.upper() in embargoed:
        return TradeDecision(
            allowed=False, rule="embargoed_destination", country=destination.upper()
        )
    for country in party_countries:
        if country.upper() in embargoed:
            return TradeDecision(allowed=False, rule="embargoed_party", country=country.upper())
    return TradeDecision(allowed=True)


@dataclass(frozen=True)
class GoodsRule:
    """A listing-policy sanctions rule as order screening reads it: goods of `categories`
    ("*" for any) to the destinations in `codes`."""

    id: str
    title: str
    clause: str
    categories: frozenset[str]
    codes: frozenset[str]
    documents: tuple[str, ...] = ()


def goods_screen(
    *,
    destination: str,
    category_paths: tuple[tuple[str, ...], ...],
    goods_rules: tuple[GoodsRule, ...],
) -> tuple[TradeDecision, GoodsRule | None]:
    """Clause 5.13 (c), (e): an order or RFQ whose goods fall in a category the listing
    policy restricts for its destination (dual-use goods to an embargoed destination, or to one
    that needs an export licence) is stopped: the platform cannot check a licence online. The
    first rule that matches decides; a category matches through any of its ancestors."""
    code = destination.upper()
    for rule in goods_rules:
        if code not in rule.codes:
            continue
        for path in category_paths:
            if "*" in rule.categories or rule.categories.intersection(path):
                return TradeDecision(
                    allowed=False, rule=rule.id, clause=rule.clause, country=code
                ), rule
    return TradeDecision(allowed=True), None
