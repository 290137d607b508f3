"""Related accounts (clauses 4.1, 4.5, 6.2 (i)): pure decisions over identity signals.

- `link_decide`: do the kinds two members share link them? A strong kind links alone; weak
  kinds link when their weights reach the threshold; kinds staff marked a false positive for
  the pair do not count (clause 6.2 (i), policy/related_accounts.toml).
- `sharing_decide`: clause 4.5, one account used from too many devices, networks or countries.
- The array forms for the rebuild: every pair of members sharing a value held by at most
  `value_member_cap` members, with the kinds they share as a bit mask, and the connected
  components of the linked pairs (an array union-find: scipy's csgraph).
- Masking, digests and address prefixes for the values.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from tradepost.policy.related_accounts import SIGNAL_KINDS, RelatedAccountsPolicy

CLAUSE = "6.2 (i)"
SHARING_CLAUSE = "4.5"
KIND_BIT = {kind: 1 << i for i, kind in enumerate(SIGNAL_KINDS)}


@dataclass(frozen=True)
class LinkDecision:
    linked: bool
    rule: str  # "related.strong:<kind>", "related.weak_sum", "related.not_enough"
    clause: str
    kinds: tuple[str, ...]  # the kinds that counted (shared, not marked false positive)
    score: float


def link_decide(
    *,
    shared_kinds: Iterable[str],
    false_positive_kinds: Iterable[str] = (),
    policy: RelatedAccountsPolicy,
) -> LinkDecision:
    """Clause 6.2 (i): whether two members sharing `shared_kinds` are related accounts."""
    marked = set(false_positive_kinds)
    counted = tuple(sorted(k for k in set(shared_kinds) if k not in marked and k in policy.kinds))
    score = round(sum(policy.kinds[k].weight for k in counted), 6)
    strong = [k for k in counted if policy.kinds[k].links_alone]
    if strong:
        return LinkDecision(True, f"related.strong:{strong[0]}", CLAUSE, counted, score)
    if counted and score >= policy.threshold:
        return LinkDecision(True, "related.weak_sum", CLAUSE, counted, score)
    return LinkDecision(False, "related.not_enough", CLAUSE, counted, score)


def kinds_mask(kinds: Iterable[str]) -> int:
    mask = 0
    for kind in kinds:
        mask |= KIND_BIT[kind]
    return mask


def mask_kinds(mask: int) -> list[str]:
    return [kind for kind, bit in KIND_BIT.items() if mask & bit]


def linking_table(policy: RelatedAccountsPolicy) -> np.ndarray:
    """`table[mask]`: whether sharing the kinds in `mask` links (the same as `link_decide`)."""
    size = 1 << len(SIGNAL_KINDS)
    return np.array(
        [link_decide(shared_kinds=mask_kinds(m), policy=policy).linked for m in range(size)],
        dtype=bool,
    )


# --- The rebuild, on arrays ---------------------------------------------------------------


def shared_pairs(
    members: np.ndarray, values: np.ndarray, bits: np.ndarray, *, cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (a < b) of members sharing a value held by 2..`cap` members, and the OR of
    the kind bits of all the values they share: arrays `a`, `b`, `mask`, one row per pair.

    One row per signal (`members[i]` was seen with `values[i]` of kind bit `bits[i]`); the
    rows are unique per (member, value), as the database's constraint keeps them.
    """
    if members.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    # Only the values held by 2..cap signals can make a pair: drop the rest before sorting.
    counts = np.bincount(values)
    held = counts[values]
    keep = (held >= 2) & (held <= cap)
    members, values, bits = members[keep], values[keep], bits[keep]
    # Group the signals by value, members in order within each value.
    order = np.lexsort((members, values))
    members, values, bits = members[order], values[order], bits[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, values.size])
    pair_a: list[np.ndarray] = []
    pair_b: list[np.ndarray] = []
    pair_bits: list[np.ndarray] = []
    for size in np.unique(sizes):
        if size < 2 or size > cap:
            continue
        group_starts = starts[sizes == size]
        # (groups, size) matrix of the members of each value, in member order.
        index = group_starts[:, None] + np.arange(size)[None, :]
        grid = members[index]
        i, j = np.triu_indices(int(size), 1)
        pair_a.append(grid[:, i].ravel())
        pair_b.append(grid[:, j].ravel())
        pair_bits.append(np.repeat(bits[group_starts], i.size))
    if not pair_a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    a = np.concatenate(pair_a).astype(np.int64)
    b = np.concatenate(pair_b).astype(np.int64)
    kind_bits = np.concatenate(pair_bits).astype(np.int64)
    keys = (a << 32) | b
    order = np.argsort(keys, kind="stable")
    keys, kind_bits = keys[order], kind_bits[order]
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    masks = np.bitwise_or.reduceat(kind_bits, first)
    unique = keys[first]
    return unique >> 32, unique & 0xFFFFFFFF, masks


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The connected component label of each node 0..n-1 over the edges (a[i], b[i])."""
    graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    return labels


def cluster_roots(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the nodes in components of two or more: (node, root, size), the root being the
    component's smallest node."""
    sizes = np.bincount(labels)
    roots = np.full(sizes.size, labels.size, dtype=np.int64)
    np.minimum.at(roots, labels, np.arange(labels.size, dtype=np.int64))
    nodes = np.flatnonzero(sizes[labels] >= 2)
    return nodes, roots[labels[nodes]], sizes[labels[nodes]]


# --- Clause 4.5: account sharing ------------------------------------------------------------


@dataclass(frozen=True)
class SharingBreach:
    rule: str  # "sharing.devices", "sharing.networks", "sharing.countries"
    clause: str
    seen: int
    limit: int


def sharing_decide(
    *, devices: int, networks: int, countries: int, policy: RelatedAccountsPolicy
) -> list[SharingBreach]:
    """Clause 4.5: more distinct devices, networks or countries on one account within the
    policy's window than one user would use."""
    rule = policy.sharing
    checks = (
        ("sharing.devices", devices, rule.max_devices),
        ("sharing.networks", networks, rule.max_networks),
        ("sharing.countries", countries, rule.max_countries),
    )
    return [
        SharingBreach(r, SHARING_CLAUSE, seen, limit) for r, seen, limit in checks if seen > limit
    ]


# --- Values ----------------------------------------------------------------------------------


def value_digest(kind: str, value: str) -> str:
    """A fixed-length key for a normalised value (the value itself is not stored)."""
    return hashlib.blake2b(f"{kind}\x00{value}".encode(), digest_size=16).hexdigest()


def ip_prefix(address: str) -> str | None:
    """The /24 of an IPv4 address, the /64 of an IPv6 one; None for a non-address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    bits = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{bits}", strict=False))


def mask_value(kind: str, value: str) -> str:
    """Enough of a value for staff to recognise it, not enough to copy it."""
    value = value.strip()
    if kind == "email" and "@" in value:
        local, domain = value.rsplit("@", 1)
        return f"{local[:1]}…@{domain}"
    if kind == "phone":
        digits = value.lstrip("+")
        if len(digits) <= 6:
            return value
        return f"+{digits[:2]} {digits[2:5]}****{digits[-4:]}"
    if kind == "registration_no":
        return f"{value[:6]}…" if len(value) > 6 else value
    if kind == "ip":
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return "…"
        if ip.version == 4:
            return ".".join(value.split(".")[:3]) + ".x"
        return str(ipaddress.ip_network(f"{ip}/64", strict=False)).replace("/64", "x")
    if kind == "ip_prefix":
        return value
    if kind in ("device", "second_account"):
        return ""
    return f"…{value[-4:]}" if len(value) > 4 else "…"


def evidence_sentence(
    *, kind: str, display: str, since: datetime, policy: RelatedAccountsPolicy
) -> str:
    """ "same device since 2026-11-03", "same phone +86 138****1234 since 2026-11-03"."""
    label = policy.kinds[kind].label
    shown = f"{label} {display}" if display else label
    return f"{shown} since {since.date().isoformat()}"
