"""Product Listing Policy screening (clauses 5.4, 5.5 a-g, 5.6 f, 5.13 c).

`screen_listing` is a pure function of the listing's content and the policy in force: no
database, no network, the same answer for the same input. It returns the decision (publish,
review, refuse) with every rule that matched and the text it matched, so the supplier and
staff can see why. Staff decide what screening holds for review (clause 6.1).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import phonenumbers
import pycountry
from better_profanity import Profanity
from better_profanity.utils import get_complete_path_of_file, read_wordlist
from urlextract import URLExtract

from tradepost.catalog.policy import (
    CounterfeitRule,
    ListingPolicy,
    SanctionsRule,
    TermRule,
)


class Decision(StrEnum):
    PUBLISH = "publish"
    REVIEW = "review"
    REFUSE = "refuse"


_SEVERITY = {Decision.PUBLISH: 0, Decision.REVIEW: 1, Decision.REFUSE: 2}


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
    word_list: re.Pattern[str] | None
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
    word_list = None
    if policy.wording.word_list == "better-profanity":
        word_list = _word_list_pattern(frozenset(w.lower() for w in policy.wording.allow))
    return _Compiled(
        terms={r.id: phrase_pattern(r.terms) for r in policy.rules if isinstance(r, TermRule)},
        brands={name: phrase_pattern(brands) for name, brands in policy.brands.items()},
        signals={
            r.id: phrase_pattern(r.signals) for r in policy.rules if isinstance(r, CounterfeitRule)
        },
        destinations=destinations,
        word_list=word_list,
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
        common = {
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


# --- The library word list (better-profanity) ----------------------------------------------

_WORD_CHARS = r"\w@$*"


@cache
def _word_list_pattern(allow: frozenset[str]) -> re.Pattern[str] | None:
    """better-profanity's bundled list as one regex, with the library's leetspeak variants."""
    mapping = Profanity(["placeholder"]).CHARS_MAPPING
    words = {
        w.strip().lower()
        for w in read_wordlist(get_complete_path_of_file("profanity_wordlist.txt"))
    }
    words = {w for w in words if w and w not in allow}
    if not words:
        return None

    def units(word: str) -> list[str]:
        out = []
        for ch in word:
            if ch == " ":
                out.append(r"[\s_-]+")
            elif ch in mapping:
                out.append("[" + "".join(re.escape(c) for c in mapping[ch]) + "]")
            else:
                out.append(re.escape(ch))
        return out

    body = _trie_regex([units(w) for w in sorted(words)])
    return re.compile(f"(?<![{_WORD_CHARS}])(?:{body})(?![{_WORD_CHARS}])", re.IGNORECASE)


def _trie_regex(sequences: list[list[str]]) -> str:
    """One regex for many words, sharing common prefixes (Python's re does not)."""
    end = ""
    trie: dict = {}
    for seq in sequences:
        node = trie
        for unit in seq:
            node = node.setdefault(unit, {})
        node[end] = {}

    def emit(node: dict) -> str:
        optional = end in node
        branches = [unit + emit(child) for unit, child in sorted(node.items()) if unit != end]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


def _word_list_matches(
    compiled: _Compiled,
    policy: ListingPolicy,
    fields: list[tuple[str, str]],
    already: list[Match],
) -> list[Match]:
    """Library hits, less those a curated wording rule already names and model numbers."""
    if compiled.word_list is None:
        return []
    covered = {(m.field, m.start, m.end) for m in already if m.kind == "wording"}
    out: list[Match] = []
    for name, text in fields:
        for m in compiled.word_list.finditer(text):
            found = m.group(0)
            if (name, m.start(), m.end()) in covered:
                continue
            if any(ch.isdigit() for ch in found) and not any(ch.isalpha() for ch in found[1:]):
                continue
            if sum(ch.isdigit() for ch in found) > 1:
                continue  # "A55", "B52": model numbers, not leetspeak
            out.append(
                Match(
                    rule="wording.word_list",
                    kind="wording",
                    action=policy.wording.action,
                    clause=policy.wording.clause,
                    title="Offensive, discriminatory or sexual wording (word list)",
                    field=name,
                    text=found,
                    start=m.start(),
                    end=m.end(),
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
        common = {
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
        common = {
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
