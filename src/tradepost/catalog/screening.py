"""Product Listing Policy screening (clauses 5.4, 5.5 a-g, 5.6 f, 5.13 c).

`screen_listing` is a pure function of the listing's content and the policy in force: no
database, no network, the same answer for the same input. It returns the decision (publish,
review, refuse) with every rule that matched and the text it matched, so the supplier and
staff can see why. Staff decide what screening holds for review (clause 6.1).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypedDict

import phonenumbers
import pycountry
from urlextract import URLExtract

from tradepost.catalog.policy import (
    CounterfeitRule,
    ListingPolicy,
    SanctionsRule,
    TermRule,
    WordingPolicy,
    load_bundled_listing_policy,
)


class Decision(StrEnum):
    PUBLISH = "publish"
    REVIEW = "review"
    REFUSE = "refuse"


_SEVERITY = {Decision.PUBLISH: 0, Decision.REVIEW: 1, Decision.REFUSE: 2}


class _RuleFields(TypedDict):
    """The fields of a `Match` that come from the rule that matched."""

    rule: str
    kind: str
    action: str
    clause: str
    title: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class ListingContent:
    """What screening reads: the listing's text and where it is offered to."""

    title: str
    description: str
    keywords: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    port: str = ""
    category_path: tuple[str, ...] = ()
    category_name: str = ""
    ships_to: tuple[str, ...] = ()
    export_markets: tuple[str, ...] = ()
    supplier_country: str = ""

    def text_fields(self) -> Iterator[tuple[str, str]]:
        yield "title", self.title
        yield "description", self.description
        for i, keyword in enumerate(self.keywords):
            yield f"keywords[{i}]", keyword
        for i, (key, value) in enumerate(self.attributes):
            yield f"attributes[{i}].key", key
            yield f"attributes[{i}].value", value
        if self.port:
            yield "port", self.port


@dataclass(frozen=True)
class Match:
    """One rule that matched: `text` is what matched; `start`/`end` index into `field`."""

    rule: str
    kind: str
    action: str
    clause: str
    title: str
    field: str
    text: str
    start: int | None = None
    end: int | None = None
    documents: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "action": self.action,
            "clause": self.clause,
            "title": self.title,
            "field": self.field,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "documents": list(self.documents),
        }


@dataclass(frozen=True)
class Screening:
    decision: Decision
    matches: tuple[Match, ...]
    policy_version: str
    documents_required: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "decision": str(self.decision),
            "policy_version": self.policy_version,
            "matches": [m.as_dict() for m in self.matches],
            "documents_required": list(self.documents_required),
        }


def screen_listing(content: ListingContent, policy: ListingPolicy) -> Screening:
    """Apply every rule of `policy` to `content`; the strictest action decides."""
    compiled = _compiled(policy)
    matches: list[Match] = []
    fields = list(content.text_fields())
    matches += _offsite_matches(policy, fields, content.supplier_country)
    matches += _term_matches(compiled, content, fields)
    matches += _word_list_matches(compiled, policy, fields, matches)
    matches += _counterfeit_matches(compiled, fields)
    matches += _sanctions_matches(compiled, content, fields)

    field_order = {name: i for i, (name, _) in enumerate(fields)}
    matches.sort(
        key=lambda m: (field_order.get(m.field, len(field_order)), m.start or 0, m.rule, m.text)
    )
    decision = Decision.PUBLISH
    for match in matches:
        if _SEVERITY[Decision(match.action)] > _SEVERITY[decision]:
            decision = Decision(match.action)
    documents: list[str] = []
    for match in matches:
        for doc in match.documents:
            if doc not in documents:
                documents.append(doc)
    return Screening(
        decision=decision,
        matches=tuple(matches),
        policy_version=policy.version,
        documents_required=tuple(documents),
    )


# --- Compiled policy ----------------------------------------------------------------------

_BOUNDARY_BEFORE = r"(?<![\w])"
_BOUNDARY_AFTER = r"(?![\w])"


def phrase_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, case-insensitive; any run of spaces matches a space."""
    parts = sorted({t.strip() for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    if not parts:
        return None
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
    return re.compile(f"{_BOUNDARY_BEFORE}(?:{alternatives}){_BOUNDARY_AFTER}", re.IGNORECASE)


@dataclass(frozen=True)
class _Compiled:
    terms: dict[str, re.Pattern[str] | None]
    brands: dict[str, re.Pattern[str] | None]
    signals: dict[str, re.Pattern[str] | None]
    destinations: dict[str, dict[str, re.Pattern[str] | None]]
    word_lists: dict[str, re.Pattern[str]]
    rules: tuple


_compiled_cache: dict[str, _Compiled] = {}
_compiled_lock = threading.Lock()


def _compiled(policy: ListingPolicy) -> _Compiled:
    key = policy.sha256 or policy.model_dump_json()
    with _compiled_lock:
        found = _compiled_cache.get(key)
        if found is None:
            found = _compile(policy)
            if len(_compiled_cache) > 16:
                _compiled_cache.clear()
            _compiled_cache[key] = found
    return found


def _compile(policy: ListingPolicy) -> _Compiled:
    destinations: dict[str, dict[str, re.Pattern[str] | None]] = {}
    for set_name, dest in policy.destinations.items():
        destinations[set_name] = {
            code: phrase_pattern([*dest.names.get(code, ()), *_country_names(code)])
            for code in dest.codes
        }
    wording = policy.wording
    if wording.legacy and not wording.words and wording.word_list != "none":
        wording = load_bundled_listing_policy().wording
    word_lists = {
        language: pattern
        for language, words in sorted(wording.words.items())
        if (pattern := word_list_pattern(words)) is not None
    }
    return _Compiled(
        terms={r.id: phrase_pattern(r.terms) for r in policy.rules if isinstance(r, TermRule)},
        brands={name: phrase_pattern(brands) for name, brands in policy.brands.items()},
        signals={
            r.id: phrase_pattern(r.signals) for r in policy.rules if isinstance(r, CounterfeitRule)
        },
        destinations=destinations,
        word_lists=word_lists,
        rules=tuple(policy.rules),
    )


def _country_names(code: str) -> list[str]:
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return []
    names = {country.name}
    for attr in ("common_name", "official_name"):
        value = getattr(country, attr, None)
        if value:
            names.add(value)
    return sorted(names)


# --- Off-site links, e-mails and phone numbers (5.5 g, 5.6 f) ------------------------------


class OfflineURLExtract(URLExtract):
    """urlextract reading only the TLD list bundled with the package: it never downloads it
    and never looks up DNS, so screening stays deterministic and offline."""

    def _get_cache_file_path(self) -> str:
        return self._get_default_cache_file_path()

    def _load_cached_tlds(self) -> set[str]:
        tlds: set[str] = set()
        for line in Path(self._get_default_cache_file_path()).read_text().splitlines():
            tld = line.strip().lower()
            if not tld or tld.startswith("#"):
                continue
            tlds.add("." + tld)
            tlds.add("." + tld.encode("ascii").decode("idna"))
        return tlds

    def update(self) -> bool:
        raise RuntimeError("Screening never downloads the TLD list.")

    def update_when_older(self, days: int) -> bool:
        raise RuntimeError("Screening never downloads the TLD list.")


@cache
def _url_extractor() -> OfflineURLExtract:
    return OfflineURLExtract(extract_email=True, cache_dns=False, extract_localhost=False)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _host_of(found: str) -> str:
    rest = _SCHEME.sub("", found)
    if "@" in rest and "/" not in rest.split("@", 1)[0]:
        rest = rest.rsplit("@", 1)[1]
    return re.split(r"[/:?#]", rest, maxsplit=1)[0].lower().rstrip(".")


def _allowed(host: str, allowed_domains: Iterable[str]) -> bool:
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains)


def _offsite_matches(
    policy: ListingPolicy, fields: list[tuple[str, str]], supplier_country: str
) -> list[Match]:
    offsite = policy.offsite
    out: list[Match] = []

    def match(rule: str, title: str, name: str, text: str, start: int, end: int) -> Match:
        return Match(
            rule=rule,
            kind="offsite",
            action=offsite.action,
            clause=offsite.clause,
            title=title,
            field=name,
            text=text,
            start=start,
            end=end,
        )

    region = supplier_country.upper() if supplier_country else None
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = None
    for name, text in fields:
        if not text:
            continue
        taken: list[tuple[int, int]] = []
        if offsite.urls or offsite.emails:
            for found, (start, end) in _url_extractor().gen_urls(text, get_indices=True):
                is_email = "@" in found and not _SCHEME.match(found)
                if _allowed(_host_of(found), offsite.allowed_domains):
                    continue
                taken.append((start, end))
                if is_email and offsite.emails:
                    out.append(match("offsite.email", "E-mail address", name, found, start, end))
                elif not is_email and offsite.urls:
                    out.append(
                        match("offsite.url", "Link to another site", name, found, start, end)
                    )
        if offsite.phones:
            matcher = phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID
            )
            for found in matcher:
                if any(s < found.end and found.start < e for s, e in taken):
                    continue
                out.append(
                    match(
                        "offsite.phone",
                        "Phone number",
                        name,
                        found.raw_string,
                        found.start,
                        found.end,
                    )
                )
    return out


# --- Prohibited items, restricted items, curated wording -----------------------------------


def _term_matches(
    compiled: _Compiled, content: ListingContent, fields: list[tuple[str, str]]
) -> list[Match]:
    out: list[Match] = []
    for rule in compiled.rules:
        if not isinstance(rule, TermRule):
            continue
        common: _RuleFields = {
            "rule": rule.id,
            "kind": rule.kind,
            "action": rule.decision,
            "clause": rule.clause,
            "title": rule.title,
            "documents": tuple(rule.documents),
        }
        hit_category = next((s for s in content.category_path if s in rule.categories), None)
        if hit_category is not None:
            out.append(
                Match(field="category", text=content.category_name or hit_category, **common)
            )
        pattern = compiled.terms.get(rule.id)
        if pattern is None:
            continue
        for name, text in fields:
            for m in pattern.finditer(text):
                out.append(
                    Match(field=name, text=m.group(0), start=m.start(), end=m.end(), **common)
                )
    return out


# --- The curated word list, per language (5.5 c, d) ---------------------------------------


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without case or accents ("Scheiße" -> "scheisse", "ёбаный" -> "ебаныи"), and
    for each folded character the index of the character of `text` it came from."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                out.append(folded)
                index.append(i)
    return "".join(out), index


def word_list_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole folded words or phrases; any run of spaces matches a space."""
    folded = sorted({fold(w.strip())[0] for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not folded:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in folded)
    return re.compile(f"{_BOUNDARY_BEFORE}(?:{alternatives}){_BOUNDARY_AFTER}")


def _language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    return language.name if language is not None else code


def _word_list_matches(
    compiled: _Compiled,
    policy: ListingPolicy,
    fields: list[tuple[str, str]],
    already: list[Match],
) -> list[Match]:
    """Curated words in any language, less the spans a curated wording rule already names."""
    if not compiled.word_lists:
        return []
    wording: WordingPolicy = policy.wording
    covered = {(m.field, m.start, m.end) for m in already if m.kind == "wording"}
    out: list[Match] = []
    for name, text in fields:
        if not text:
            continue
        folded, index = fold(text)
        for language, pattern in compiled.word_lists.items():
            for m in pattern.finditer(folded):
                start, end = index[m.start()], index[m.end() - 1] + 1
                while end < len(text) and unicodedata.combining(text[end]):
                    end += 1  # the accents of the last letter belong to the match
                if (name, start, end) in covered:
                    continue
                out.append(
                    Match(
                        rule=f"wording.word_list.{language}",
                        kind="wording",
                        action=wording.action,
                        clause=wording.clause,
                        title=f"Abusive wording ({_language_name(language)})",
                        field=name,
                        text=text[start:end],
                        start=start,
                        end=end,
                    )
                )
    return out


# --- Counterfeit signals (5.4 b, c) --------------------------------------------------------


def _counterfeit_matches(compiled: _Compiled, fields: list[tuple[str, str]]) -> list[Match]:
    out: list[Match] = []
    for rule in compiled.rules:
        if not isinstance(rule, CounterfeitRule):
            continue
        brands = compiled.brands.get(rule.brands)
        if brands is None:
            continue
        signals = compiled.signals.get(rule.id)
        common: _RuleFields = {
            "rule": rule.id,
            "kind": rule.kind,
            "action": rule.decision,
            "clause": rule.clause,
            "title": rule.title,
            "documents": tuple(rule.documents),
        }
        for name, text in fields:
            brand_hits = list(brands.finditer(text))
            if not brand_hits:
                continue
            if not rule.signals:
                for b in brand_hits:
                    out.append(
                        Match(field=name, text=b.group(0), start=b.start(), end=b.end(), **common)
                    )
                continue
            if signals is None:
                continue
            signal_hits = list(signals.finditer(text))
            for b in brand_hits:
                near = [
                    s
                    for s in signal_hits
                    if s.start() - b.end() <= rule.window and b.start() - s.end() <= rule.window
                ]
                if not near:
                    continue
                s = min(near, key=lambda s: abs(s.start() - b.start()))
                start, end = min(b.start(), s.start()), max(b.end(), s.end())
                out.append(Match(field=name, text=text[start:end], start=start, end=end, **common))
    return out


# --- Sanctions-sensitive goods by category and destination (5.13 c) -------------------------


def _sanctions_matches(
    compiled: _Compiled, content: ListingContent, fields: list[tuple[str, str]]
) -> list[Match]:
    out: list[Match] = []
    for rule in compiled.rules:
        if not isinstance(rule, SanctionsRule):
            continue
        if "*" not in rule.categories and not set(content.category_path) & set(rule.categories):
            continue
        common: _RuleFields = {
            "rule": rule.id,
            "kind": rule.kind,
            "action": rule.decision,
            "clause": rule.clause,
            "title": rule.title,
            "documents": tuple(rule.documents),
        }
        codes = compiled.destinations.get(rule.destinations, {})
        for code in codes:
            if code in content.ships_to:
                out.append(Match(field="ships_to", text=code, **common))
            if code in content.export_markets:
                out.append(Match(field="supplier.export_markets", text=code, **common))
        for name, text in fields:
            for pattern in codes.values():
                if pattern is None:
                    continue
                for m in pattern.finditer(text):
                    out.append(
                        Match(field=name, text=m.group(0), start=m.start(), end=m.end(), **common)
                    )
    return out
