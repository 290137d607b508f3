"""What a buyer asks the search for: parsed and checked here, without the database.

`parse_search_params` turns raw query-string values (API and page alike) into a
`SearchQuery` or raises InvalidInput naming each bad field. `terms` turns the buyer's words
into plain terms (a word, or the words of a quoted phrase) that contain letters and digits
only, so no backend ever sees user text as query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from tradepost.errors import InvalidInput
from tradepost.policy import COUNTRY_CODES
from tradepost.text import clean_text

SORTS = ("relevance", "newest", "price", "-price", "rating")
MIN_RATINGS = (1, 2, 3, 4, 5)
MAX_TEXT = 200
MAX_TERMS = 12
MAX_PRICE = Decimal("1e10")
MAX_QUANTITY = 10**9
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# A word is a run of letters and digits, the way the index tokenizer splits text.
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Term:
    """One word, or the words of a quoted phrase that must appear in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str | None = None  # slug; includes every category below it
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    qty: int | None = None
    moq_max: int | None = None
    country: str | None = None
    verified: bool | None = None
    sample: bool | None = None
    currency: str | None = None
    min_rating: int | None = None  # the supplier's average rating at least this (1-5)
    sort: str = "relevance"
    page: int = 1
    terms: tuple[Term, ...] = field(default=(), compare=False)

    @property
    def prices_compared(self) -> bool:
        """Price filters and price sorting compare one currency's prices."""
        return self.min_price is not None or self.max_price is not None or "price" in self.sort

    @property
    def price_currency(self) -> str | None:
        if self.currency:
            return self.currency
        return settings.SEARCH_PRICE_CURRENCY if self.prices_compared else None


def terms(text: str) -> tuple[Term, ...]:
    """Quoted phrases and single words; anything that is not a letter or digit separates."""
    found: list[Term] = []
    rest: list[str] = []
    last = 0
    for match in _PHRASE.finditer(text):
        rest.append(text[last : match.start()])
        last = match.end()
        words = tuple(w.lower() for w in _WORD.findall(match.group(1)))
        if words:
            found.append(Term(words))
    rest.append(text[last:])
    for chunk in rest:
        found.extend(Term((w.lower(),)) for w in _WORD.findall(chunk))
    unique = tuple(dict.fromkeys(found))
    return unique[:MAX_TERMS]


def _first(params: Mapping[str, object], name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value).strip()


def _integer(raw: str, lo: int, hi: int) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise ValueError("Give a whole number.")
    value = int(raw)
    if not lo <= value <= hi:
        raise ValueError(f"Give a number from {lo} to {hi}.")
    return value


def _price(raw: str) -> Decimal:
    try:
        value = Decimal(raw) if raw.isascii() else Decimal("nan")
    except InvalidOperation:
        value = Decimal("nan")
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        raise ValueError("Give a price such as 12.50.")
    return value


def _rating(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) not in MIN_RATINGS:
        raise ValueError("Give a whole number from 1 to 5.")
    return int(raw)


def _flag(raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError("Give true or false.")


def _country(raw: str) -> str:
    code = raw.upper()
    if code not in COUNTRY_CODES:
        raise ValueError("Give an ISO 3166-1 country code such as CN.")
    return code


def _currency(raw: str) -> str:
    code = raw.upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError("Give an ISO 4217 currency code such as USD.")
    return code


def _category(raw: str) -> str:
    if len(raw) > 80 or not re.fullmatch(r"[-a-zA-Z0-9_]+", raw):
        raise ValueError("Unknown category.")
    return raw


def _text(raw: str) -> str:
    text = clean_text(raw)
    if len(text) > MAX_TEXT:
        raise ValueError(f"Use at most {MAX_TEXT} characters.")
    return text


def parse_search_params(params: Mapping[str, object]) -> SearchQuery:
    """Clause 3.2: also refuses pages past SEARCH_MAX_PAGE (no systematic retrieval)."""
    parsers = {
        "q": _text,
        "category": _category,
        "min_price": _price,
        "max_price": _price,
        "qty": lambda raw: _integer(raw, 1, MAX_QUANTITY),
        "moq_max": lambda raw: _integer(raw, 1, MAX_QUANTITY),
        "country": _country,
        "verified": _flag,
        "sample": _flag,
        "currency": _currency,
        "min_rating": _rating,
        "page": lambda raw: _integer(raw, 1, 10**6),
    }
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for name, parse in parsers.items():
        raw = _first(params, name)
        if raw == "":
            continue
        try:
            values[name] = parse(raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    text = str(values.pop("q", ""))
    sort = _first(params, "sort") or ("relevance" if text else "newest")
    if sort not in SORTS:
        errors["sort"] = [f"Sort by one of: {', '.join(SORTS)}."]
    low, high = values.get("min_price"), values.get("max_price")
    if isinstance(low, Decimal) and isinstance(high, Decimal) and low > high:
        errors["min_price"] = ["The minimum price is above the maximum."]
    if errors:
        raise InvalidInput("The search has invalid parameters.", fields=errors)
    page = int(values.pop("page", 1))  # type: ignore[call-overload]
    if page > settings.SEARCH_MAX_PAGE:
        raise InvalidInput(
            f"Results stop at page {settings.SEARCH_MAX_PAGE}: narrow the search with words or "
            "filters to see more (Terms of Use, clause 3.2).",
            fields={"page": [f"At most {settings.SEARCH_MAX_PAGE}."]},
            code="page_too_deep",
            extra={"max_page": settings.SEARCH_MAX_PAGE},
        )
    return SearchQuery(text=text, sort=sort, page=page, terms=terms(text), **values)  # type: ignore[arg-type]
