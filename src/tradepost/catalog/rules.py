"""Pure catalog rules: the listing state machine, listing input checks, listing caps.

No database here: services load the data, call these, and write the result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from typing import Any

import pycountry

from tradepost.catalog.models import ListingStatus
from tradepost.catalog.screening import Decision
from tradepost.policy import COUNTRY_CODES
from tradepost.text import formatting_problem, text_problem

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
KEYWORDS_MAX = 10
KEYWORD_MAX = 50
ATTRIBUTES_MAX = 30
ATTRIBUTE_KEY_MAX = 60
ATTRIBUTE_VALUE_MAX = 200
UNIT_MAX = 32
PORT_MAX = 100
TIERS_MAX = 10
QTY_MAX = 1_000_000_000
PRICE_MAX = Decimal("9999999999.9999")
LEAD_TIME_MAX_DAYS = 365
SHIPS_TO_MAX = 60

# Incoterms 2020 (ICC): any mode of transport, then sea and inland waterway only.
INCOTERMS_2020 = {
    "EXW": "Ex Works",
    "FCA": "Free Carrier",
    "CPT": "Carriage Paid To",
    "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place",
    "DPU": "Delivered at Place Unloaded",
    "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship",
    "FOB": "Free on Board",
    "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}

# ISO 4217 codes that are not money one trades goods in: precious metals, test and
# no-currency codes, supranational units of account.
NON_TRADE_CURRENCIES = frozenset(
    {"XAU", "XAG", "XPD", "XPT", "XTS", "XXX", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD"}
)


# --- The listing state machine ------------------------------------------------------------


class Actor(StrEnum):
    SUPPLIER = "supplier"
    STAFF = "staff"
    PLATFORM = "platform"


class Action(StrEnum):
    SUBMIT = "submit"
    EDIT = "edit"
    WITHDRAW = "withdraw"
    DELETE = "delete"
    APPROVE = "approve"
    MODIFY = "modify"
    REJECT = "reject"
    REMOVE = "remove"
    HOLD = "hold"
    RELEASE = "release"
    CAP = "cap"
    UNCAP = "uncap"


# How a message names each action once done ("cannot be modified"): written out, because
# English past participles are not the verb plus "ed" ("removeed", "withdrawed").
PAST_PARTICIPLES: dict[Action, str] = {
    Action.SUBMIT: "submitted",
    Action.EDIT: "edited",
    Action.WITHDRAW: "withdrawn",
    Action.DELETE: "deleted",
    Action.APPROVE: "approved",
    Action.MODIFY: "modified",
    Action.REJECT: "rejected",
    Action.REMOVE: "removed",
    Action.HOLD: "held",
    Action.RELEASE: "released",
    Action.CAP: "hidden",
    Action.UNCAP: "shown again",
}

S = ListingStatus

# Every move a listing may make, and who may make it. Anything not listed is refused.
TRANSITIONS: frozenset[tuple[str, str, Actor]] = frozenset(
    {
        # The supplier submits; screening decides where the listing goes (5.5, 6.1).
        (S.DRAFT, S.PUBLISHED, Actor.SUPPLIER),
        (S.DRAFT, S.PENDING_REVIEW, Actor.SUPPLIER),
        (S.DRAFT, S.REJECTED, Actor.SUPPLIER),
        (S.REJECTED, S.PUBLISHED, Actor.SUPPLIER),
        (S.REJECTED, S.PENDING_REVIEW, Actor.SUPPLIER),
        (S.REJECTED, S.REJECTED, Actor.SUPPLIER),
        # An edit of a listing that is live or queued is screened again.
        (S.PUBLISHED, S.PUBLISHED, Actor.SUPPLIER),
        (S.PUBLISHED, S.PENDING_REVIEW, Actor.SUPPLIER),
        (S.PUBLISHED, S.REJECTED, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.PENDING_REVIEW, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.PUBLISHED, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.REJECTED, Actor.SUPPLIER),
        # The supplier takes a listing back to draft, or deletes it.
        (S.PUBLISHED, S.DRAFT, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.DRAFT, Actor.SUPPLIER),
        (S.REJECTED, S.DRAFT, Actor.SUPPLIER),
        (S.DRAFT, S.REMOVED, Actor.SUPPLIER),
        (S.PUBLISHED, S.REMOVED, Actor.SUPPLIER),
        (S.PENDING_REVIEW, S.REMOVED, Actor.SUPPLIER),
        (S.REJECTED, S.REMOVED, Actor.SUPPLIER),
        # Staff decide under clause 6.1: approve, modify, reject, remove.
        (S.PENDING_REVIEW, S.PUBLISHED, Actor.STAFF),
        (S.PUBLISHED, S.PUBLISHED, Actor.STAFF),
        (S.PENDING_REVIEW, S.REJECTED, Actor.STAFF),
        (S.PENDING_REVIEW, S.REMOVED, Actor.STAFF),
        (S.PUBLISHED, S.REMOVED, Actor.STAFF),
        (S.REJECTED, S.REMOVED, Actor.STAFF),
        # Clause 5.4: a rights claim holds public or queued listings at once; staff release
        # them to where they were, or they are removed (6.1 iv) by staff or, when the
        # counter-notice deadline lapses, by the platform.
        (S.PUBLISHED, S.HELD, Actor.PLATFORM),
        (S.PENDING_REVIEW, S.HELD, Actor.PLATFORM),
        (S.HELD, S.PUBLISHED, Actor.STAFF),
        (S.HELD, S.PENDING_REVIEW, Actor.STAFF),
        (S.HELD, S.REMOVED, Actor.STAFF),
        (S.HELD, S.REMOVED, Actor.PLATFORM),
        # Clause 6.2 (iii): a listing cap in force hides published listings beyond it; when
        # the action ends they are shown again. Meanwhile the supplier may take one back to
        # draft or delete it, and staff may remove it; it is then not shown again.
        (S.PUBLISHED, S.CAPPED, Actor.PLATFORM),
        (S.CAPPED, S.PUBLISHED, Actor.PLATFORM),
        (S.CAPPED, S.DRAFT, Actor.SUPPLIER),
        (S.CAPPED, S.REMOVED, Actor.SUPPLIER),
        (S.CAPPED, S.REMOVED, Actor.STAFF),
    }
)

# What each staff decision does, and from where (a subset of TRANSITIONS).
STAFF_DECISIONS: dict[Action, str] = {
    Action.APPROVE: S.PUBLISHED,
    Action.MODIFY: S.PUBLISHED,
    Action.REJECT: S.REJECTED,
    Action.REMOVE: S.REMOVED,
}


def transition_allowed(from_status: str, to_status: str, actor: Actor) -> bool:
    return (from_status, to_status, actor) in TRANSITIONS


def status_after_screening(decision: Decision, *, rejected_by_staff: bool) -> str:
    """Where a submitted or edited listing goes. Once staff rejected it, staff see it again."""
    if decision == Decision.REFUSE:
        return S.REJECTED
    if decision == Decision.REVIEW or rejected_by_staff:
        return S.PENDING_REVIEW
    return S.PUBLISHED


# Statuses that take one of the supplier's listing slots (6.2 iii): live, or about to be.
CAP_COUNTED = (S.PUBLISHED, S.PENDING_REVIEW)


def cap_allows(*, cap: int | None, in_use: int) -> bool:
    """Clause 6.2 (iii): one more listing fits under `cap` (None is unlimited)."""
    return cap is None or in_use < cap


def listing_cap(*, tier_cap: int | None, override: int | None) -> int | None:
    """Staff's per-supplier override wins over the membership tier's cap."""
    return override if override is not None else tier_cap


# --- Listing input ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    min_qty: int
    unit_price: Decimal


@dataclass
class ListingFields:
    """A listing's content, checked and normalised by `check_listing_fields`."""

    title: str
    description: str
    category: str
    currency: str
    moq: int
    unit: str
    price_tiers: list[Tier]
    keywords: list[str]
    attributes: list[dict[str, str]]
    lead_time_days: int | None
    port: str
    incoterm: str
    sample_available: bool
    ships_to: list[str]


def clean_field(
    value: Any, name: str, errors: dict, *, limit: int, required: bool, multiline: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append("Must be text.")
        return ""
    problem = text_problem(value, multiline=multiline)
    if problem:
        errors.setdefault(name, []).append(f"The text {problem}.")
        return ""
    value = value.strip()
    if not multiline:
        value = value.removeprefix("\ufeff").strip()
        problem = formatting_problem(value)
        if problem:
            errors.setdefault(name, []).append(f"The text {problem}.")
            return ""
    if required and not value:
        errors.setdefault(name, []).append("This field is required.")
    if len(value) > limit:
        errors.setdefault(name, []).append(
            f"At most {limit:,} characters (this has {len(value):,})."
        )
    return value


def int_field(
    value: Any, name: str, errors: dict, *, low: int, high: int, required: bool
) -> int | None:
    if value is None or value == "":
        if required:
            errors.setdefault(name, []).append("This field is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.setdefault(name, []).append("Must be a whole number.")
        return None
    try:
        number = int(value)
    except ValueError:
        errors.setdefault(name, []).append("Must be a whole number.")
        return None
    if not low <= number <= high:
        errors.setdefault(name, []).append(f"Must be between {low:,} and {high:,}.")
        return None
    return number


def parse_price(value: Any) -> Decimal | None:
    """A unit price from a decimal string (or whole number): finite, at most 4 decimals."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    exponent = price.as_tuple().exponent  # an int for a finite number ("n", "N", "F" otherwise)
    if not price.is_finite() or not isinstance(exponent, int) or exponent < -4:
        return None
    return price


def currency_valid(code: str) -> bool:
    """ISO 4217 (pycountry), less codes nobody prices goods in."""
    return (
        len(code) == 3
        and code not in NON_TRADE_CURRENCIES
        and pycountry.currencies.get(alpha_3=code) is not None
    )


def check_price_tiers(raw: Any, moq: int | None, errors: dict) -> list[Tier]:
    """B2B quantity tiers: ascending quantities, positive prices that do not rise with
    quantity, and the first tier no higher than the MOQ so an MOQ order has a price."""
    name = "price_tiers"
    if not isinstance(raw, list) or not raw:
        errors.setdefault(name, []).append("Give at least one price tier.")
        return []
    if len(raw) > TIERS_MAX:
        errors.setdefault(name, []).append(f"At most {TIERS_MAX} price tiers.")
        return []
    tiers: list[Tier] = []
    for i, item in enumerate(raw):
        field = f"{name}[{i}]"
        if not isinstance(item, dict):
            errors.setdefault(field, []).append("Each tier has min_qty and unit_price.")
            continue
        qty = int_field(
            item.get("min_qty"), f"{field}.min_qty", errors, low=1, high=QTY_MAX, required=True
        )
        price = parse_price(item.get("unit_price"))
        if price is None:
            errors.setdefault(f"{field}.unit_price", []).append(
                'Give the unit price as a decimal string, e.g. "12.50" (at most 4 decimals).'
            )
        elif price <= 0:
            errors.setdefault(f"{field}.unit_price", []).append("Must be more than 0.")
            price = None
        elif price > PRICE_MAX:
            errors.setdefault(f"{field}.unit_price", []).append("Too large.")
            price = None
        if qty is not None and price is not None:
            tiers.append(Tier(min_qty=qty, unit_price=price))
    if len(tiers) != len(raw):
        return tiers
    for before, after in pairwise(tiers):
        if after.min_qty <= before.min_qty:
            errors.setdefault(name, []).append(
                "Tiers must be in ascending order of min_qty, each larger than the one before."
            )
            break
        if after.unit_price > before.unit_price:
            errors.setdefault(name, []).append(
                "A larger quantity cannot have a higher unit price than a smaller one."
            )
            break
    if moq is not None and tiers and tiers[0].min_qty > moq:
        errors.setdefault(name, []).append(
            f"The first tier starts at {tiers[0].min_qty:,}, above the minimum order quantity "
            f"({moq:,}): an order of the MOQ would have no price."
        )
    return tiers


def string_list_field(
    raw: Any, name: str, errors: dict, *, max_items: int, max_len: int
) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.setdefault(name, []).append("Must be a list.")
        return []
    if len(raw) > max_items:
        errors.setdefault(name, []).append(f"At most {max_items} items.")
        return []
    out: list[str] = []
    for i, item in enumerate(raw):
        value = clean_field(item, f"{name}[{i}]", errors, limit=max_len, required=True)
        if value and value.casefold() not in {v.casefold() for v in out}:
            out.append(value)
    return out


def _attributes(raw: Any, errors: dict) -> list[dict[str, str]]:
    name = "attributes"
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.setdefault(name, []).append("Must be a list of {key, value}.")
        return []
    if len(raw) > ATTRIBUTES_MAX:
        errors.setdefault(name, []).append(f"At most {ATTRIBUTES_MAX} attributes.")
        return []
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            errors.setdefault(f"{name}[{i}]", []).append("Each attribute has a key and a value.")
            continue
        key = clean_field(
            item.get("key"), f"{name}[{i}].key", errors, limit=ATTRIBUTE_KEY_MAX, required=True
        )
        value = clean_field(
            item.get("value"),
            f"{name}[{i}].value",
            errors,
            limit=ATTRIBUTE_VALUE_MAX,
            required=True,
        )
        out.append({"key": key, "value": value})
    return out


def check_listing_fields(
    data: dict[str, Any], *, leaf_categories: set[str]
) -> tuple[ListingFields | None, dict[str, list[str]]]:
    """Check a whole listing's content. Returns (fields, {}) or (None, errors per field)."""
    errors: dict[str, list[str]] = {}
    title = clean_field(data.get("title"), "title", errors, limit=TITLE_MAX, required=True)
    description = clean_field(
        data.get("description"),
        "description",
        errors,
        limit=DESCRIPTION_MAX,
        required=True,
        multiline=True,
    )
    category = data.get("category") or ""
    if not isinstance(category, str) or not category:
        errors.setdefault("category", []).append("Choose a category.")
    elif category not in leaf_categories:
        errors.setdefault("category", []).append(
            f"Unknown category {category!r}: choose a leaf category of GET /api/v1/categories."
        )
    currency = data.get("currency") or ""
    currency = currency.strip().upper() if isinstance(currency, str) else ""
    if not currency_valid(currency):
        errors.setdefault("currency", []).append("Give an ISO 4217 currency code, e.g. USD.")
    moq = int_field(data.get("moq"), "moq", errors, low=1, high=QTY_MAX, required=True)
    unit = clean_field(data.get("unit"), "unit", errors, limit=UNIT_MAX, required=True)
    tiers = check_price_tiers(data.get("price_tiers"), moq, errors)
    keywords = string_list_field(
        data.get("keywords"), "keywords", errors, max_items=KEYWORDS_MAX, max_len=KEYWORD_MAX
    )
    attributes = _attributes(data.get("attributes"), errors)
    lead_time = int_field(
        data.get("lead_time_days"),
        "lead_time_days",
        errors,
        low=0,
        high=LEAD_TIME_MAX_DAYS,
        required=False,
    )
    port = clean_field(data.get("port"), "port", errors, limit=PORT_MAX, required=False)
    incoterm = data.get("incoterm") or ""
    incoterm = incoterm.strip().upper() if isinstance(incoterm, str) else None
    if incoterm is None or (incoterm and incoterm not in INCOTERMS_2020):
        errors.setdefault("incoterm", []).append(
            "Give an Incoterms 2020 rule: " + ", ".join(INCOTERMS_2020) + "."
        )
        incoterm = ""
    sample = data.get("sample_available", False)
    if not isinstance(sample, bool):
        errors.setdefault("sample_available", []).append("Must be true or false.")
    ships_to = string_list_field(
        data.get("ships_to"), "ships_to", errors, max_items=SHIPS_TO_MAX, max_len=2
    )
    ships_to = [code.upper() for code in ships_to]
    unknown = [code for code in ships_to if code not in COUNTRY_CODES]
    if unknown:
        errors.setdefault("ships_to", []).append(
            f"Unknown ISO 3166-1 country codes: {', '.join(unknown)}."
        )
    if errors:
        return None, errors
    assert moq is not None  # required: int_field reported a missing one
    return (
        ListingFields(
            title=title,
            description=description,
            category=category,
            currency=currency,
            moq=moq,
            unit=unit,
            price_tiers=tiers,
            keywords=keywords,
            attributes=attributes,
            lead_time_days=lead_time,
            port=port,
            incoterm=incoterm,
            sample_available=bool(sample),
            ships_to=ships_to,
        ),
        {},
    )


def content_sha256(content: dict[str, Any]) -> str:
    """Stable hash of posted User Content (3.7 licence records)."""
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()
