"""Sanctions name screening against every live list entry.

Clause 5.6 (k): a member, its directors, officers and controlling parties are not subject to
sanctions. Clause 5.13 (b): a member and its affiliates are not the subject of sanctions;
Clause 5.13 (d): nor do they deal with such "Relevant Subjects". Screening a name is how
staff check those representations.

The index lives in memory, built lazily from the entries no version has removed and their
aliases, and rebuilt when the latest list version of any list changes. A query is blocked on
the character trigrams of its normalised tokens: only the few hundred names sharing the most
trigrams with it are scored, not all 20,000+.

Scoring, on normalised forms (`compliance.names`: transliterated, legal forms and titles
dropped, tokens sorted):

- `token_sort_ratio` compares the whole sorted names, so word order and a spelling variant
  ("Dmitri" / "Dmitry") cost little.
- `token_set_ratio`, and a token-by-token alignment (each token of the shorter name paired
  with its closest token of the longer), forgive a missing middle name ("Dmitri Khoroshev"
  against "Dmitry Yuryevich Khoroshev"). Both are 1.0 for any subset, so they count only
  when the shorter name has two tokens or more, discounted by how much of the longer name it
  covers: one shared word ("Trading") never makes a hit.
- `WRatio` is not used: its partial matching scores "Ali" inside "Alibaba" as high as a full
  match, which is noise for names.

The name score is then moved by the secondary identifiers the query gives, with the weights
of `policy/screening.toml`: country, birth (or incorporation) date, identifiers (registration,
passport, IMO numbers); and the entity kind filters (a person query never returns a vessel).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pycountry
from django.db import DatabaseError, connection
from django.db.models import Max
from rapidfuzz import fuzz, process

from tradepost.compliance.models import Alias, Entry, EntryKind, ListVersion
from tradepost.compliance.names import NormalisedName, normalise_name
from tradepost.policy.screening import ScreeningPolicy, load_screening_policy

QUERY_KINDS = ("person", "company", "any")
# The entry kinds a query kind may match: "other" stays in, since a list that did not say
# what a party is must not hide it.
_KINDS: dict[str, frozenset[str]] = {
    "person": frozenset({EntryKind.PERSON, EntryKind.OTHER}),
    "company": frozenset({EntryKind.COMPANY, EntryKind.OTHER}),
    "any": frozenset(EntryKind.values),
}
CANDIDATES = 100
# Blocking keeps a name only if it shares this share of the trigrams of the shorter of it and
# the query: a name that close in spelling shares most of them, a typo costing three at most.
MIN_SHARED = 0.4
# A trigram in more names than this (or a 40th of them) tells names apart too little to be
# counted, and costs the most to count ("an", "ov "): blocking leaves it out, on both sides of
# the share, unless the query has fewer than two others.
COMMON_GRAM = 2000
# Normalised query names a NameIndex remembers (a rescreen repeats common names).
QUERY_CACHE = 50_000
_ID_CHARS = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class Hit:
    """One entry a name matched, with the list version it came from and why it matched."""

    list_source: str
    list_version: int
    entry_id: str
    name: str
    matched_alias: str | None
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Party:
    list_source: str
    list_version: int
    entry_id: str
    name: str
    kind: str
    countries: frozenset[str]
    dates: tuple[tuple[int, int, str], ...]
    identifiers: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Name:
    party: int
    text: str
    key: str
    tokens: tuple[str, ...]
    is_alias: bool
    transliterated: bool


@dataclass
class NameIndex:
    """Every live name of every list, with a trigram inverted index over its tokens.

    `add` fills the plain lists; the first search after it freezes them into arrays (the
    postings as int32 arrays, each name's token ids), so a query counts its shared trigrams
    with numpy and scores its block with rapidfuzz's `cdist` in C, not name by name."""

    parties: list[_Party] = field(default_factory=list)
    names: list[_Name] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _frozen: _Frozen | None = field(default=None, init=False, repr=False, compare=False)
    _queries: dict[str, NormalisedName] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _queries_policy: ScreeningPolicy | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def add(
        self, party: _Party, texts: Iterable[tuple[str, bool]], policy: ScreeningPolicy
    ) -> None:
        self._frozen = None
        index = len(self.parties)
        self.parties.append(party)
        seen: set[str] = set()
        for text, is_alias in texts:
            norm = normalise_name(text, policy=policy)
            if not norm.tokens or norm.key in seen:
                continue
            seen.add(norm.key)
            name_id = len(self.names)
            self.names.append(
                _Name(index, text, norm.key, norm.tokens, is_alias, norm.transliterated)
            )
            for gram in _grams(norm.tokens):
                self.postings[gram].append(name_id)

    def add_entry(
        self,
        *,
        list_source: str,
        list_version: int,
        entry_id: str,
        name: str,
        kind: str,
        data: dict[str, Any],
        aliases: Sequence[str],
        policy: ScreeningPolicy,
    ) -> None:
        """Index one list entry (as stored: its `data` as the importers write it) and its
        aliases."""
        countries = frozenset(
            c for c in (country_code(str(v)) for v in data.get("countries", [])) if c
        )
        party = _Party(
            list_source=list_source,
            list_version=list_version,
            entry_id=entry_id,
            name=name,
            kind=kind,
            countries=countries,
            dates=_entry_dates(data),
            identifiers=_entry_identifiers(data),
        )
        self.add(party, [(name, False)] + [(a, True) for a in aliases], policy)

    def frozen(self) -> _Frozen:
        if self._frozen is None:
            self._frozen = _Frozen.of(self)
        return self._frozen

    def candidates(self, tokens: Sequence[str], *, limit: int = CANDIDATES) -> list[int]:
        """The names sharing the most token trigrams with `tokens`."""
        return self.frozen().block(tokens, limit).tolist()

    def _normalised(self, name: str, policy: ScreeningPolicy) -> NormalisedName:
        """The query's normalised form, remembered: a rescreen asks for the same contact
        names ("John Smith") again and again."""
        if self._queries_policy is not policy:
            self._queries, self._queries_policy = {}, policy
        norm = self._queries.get(name)
        if norm is None:
            if len(self._queries) >= QUERY_CACHE:
                self._queries.clear()
            norm = self._queries[name] = normalise_name(name, policy=policy)
        return norm

    def search(
        self,
        name: str,
        *,
        kind: str = "any",
        country: str | None = None,
        birth_date: date | str | None = None,
        identifiers: Sequence[str] = (),
        limit: int = 10,
        min_score: float | None = None,
        policy: ScreeningPolicy | None = None,
        blocking: bool = True,
    ) -> list[Hit]:
        policy = policy or load_screening_policy()
        if kind not in _KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        threshold = policy.review_score if min_score is None else min_score
        query = self._normalised(name, policy)
        query_date = _query_date(birth_date)
        if not query.tokens or not self.names:
            return []
        frozen = self.frozen()
        query_country = country_code(country) if country else None
        query_ids = frozenset(_id_key(i) for i in identifiers if _id_key(i))
        if blocking:
            pool = frozen.block(query.tokens, CANDIDATES)
        else:
            pool = np.arange(len(self.names), dtype=np.int32)
        pool = pool[frozen.kind_allowed(kind)[frozen.name_kind[pool]]]
        raw = frozen.scores(query.tokens, pool)
        # Only names whose score could still reach the threshold once the secondary
        # identifiers have added all they can are looked at one by one.
        bonus = _max_bonus(policy, query_country, query_date, query_ids)
        reach = raw + bonus + 0.001 >= threshold
        best: dict[int, Hit] = {}
        for name_id, raw_score in zip(pool[reach].tolist(), raw[reach].tolist(), strict=True):
            cand = self.names[name_id]
            party = self.parties[cand.party]
            score = round(raw_score, 3)
            translit = query.transliterated or cand.transliterated
            reasons = [f"name {score:.2f}" + (" after transliteration" if translit else "")]
            score += _secondary(party, query_country, query_date, query_ids, policy, reasons)
            score = round(min(1.0, max(0.0, score)), 3)
            if score < threshold:
                continue
            hit = Hit(
                list_source=party.list_source,
                list_version=party.list_version,
                entry_id=party.entry_id,
                name=party.name,
                matched_alias=cand.text if cand.is_alias else None,
                score=score,
                reasons=tuple(reasons),
            )
            held = best.get(cand.party)
            if held is None or (hit.score, held.matched_alias is not None) > (
                held.score,
                hit.matched_alias is not None,
            ):
                best[cand.party] = hit
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.list_source, h.entry_id))
        return ranked[:limit]


def _max_bonus(
    policy: ScreeningPolicy,
    country: str | None,
    birth: tuple[int, str] | None,
    identifiers: frozenset[str],
) -> float:
    """The most the query's secondary identifiers can add to a name score (`_secondary`)."""
    w = policy.weights
    bonus = w.country_match if country else 0.0
    if birth:
        bonus += max(w.birth_date_exact, w.birth_year_close)
    return bonus + (w.identifier_match if identifiers else 0.0)


_KIND_CODES = {kind: code for code, kind in enumerate(EntryKind.values)}


@dataclass(frozen=True, slots=True, eq=False)
class _Frozen:
    """A NameIndex as arrays: int32 postings per trigram, each name's kind, its key (the
    sorted tokens joined) and its token ids, in sorted order and by decreasing length."""

    postings: dict[str, np.ndarray]
    keys: list[str]
    name_kind: np.ndarray
    n_tokens: np.ndarray
    n_grams: np.ndarray
    common: frozenset[str]
    n_telling: np.ndarray
    token_ids: np.ndarray
    by_length: np.ndarray
    vocabulary: list[str]
    token_length: np.ndarray

    @classmethod
    def of(cls, index: NameIndex) -> _Frozen:
        vocab: dict[str, int] = {}
        common_at = max(COMMON_GRAM, len(index.names) // 40)
        common = frozenset(g for g, ids in index.postings.items() if len(ids) > common_at)
        width = max((len(n.tokens) for n in index.names), default=1)
        token_ids = np.full((len(index.names), width), -1, dtype=np.int32)
        by_length = np.zeros((len(index.names), width), dtype=np.int16)
        for row, name in enumerate(index.names):
            ids = [vocab.setdefault(t, len(vocab)) for t in name.tokens]
            token_ids[row, : len(ids)] = ids
            order = sorted(range(len(ids)), key=lambda i: len(name.tokens[i]), reverse=True)
            by_length[row, : len(order)] = order
        return cls(
            postings={g: np.asarray(ids, dtype=np.int32) for g, ids in index.postings.items()},
            keys=[n.key for n in index.names],
            name_kind=np.asarray(
                [_KIND_CODES.get(index.parties[n.party].kind, 0) for n in index.names],
                dtype=np.int8,
            ),
            n_tokens=np.asarray([len(n.tokens) for n in index.names], dtype=np.int32),
            n_grams=np.asarray([len(_grams(n.tokens)) for n in index.names], dtype=np.int32),
            common=common,
            n_telling=np.asarray(
                [max(1, len(_grams(n.tokens) - common)) for n in index.names], dtype=np.int32
            ),
            token_ids=token_ids,
            by_length=by_length,
            vocabulary=list(vocab),
            token_length=np.asarray([len(t) for t in vocab], dtype=np.float64),
        )

    @staticmethod
    @lru_cache(maxsize=8)
    def kind_allowed(kind: str) -> np.ndarray:
        allowed = np.zeros(len(_KIND_CODES), dtype=bool)
        for entry_kind in _KINDS[kind]:
            allowed[_KIND_CODES[entry_kind]] = True
        return allowed

    def block(self, tokens: Sequence[str], limit: int) -> np.ndarray:
        """The ids of the `limit` names sharing the most trigrams with `tokens` (ties: the
        lower id), in id order."""
        grams = _grams(tokens)
        telling = grams - self.common
        n_grams = self.n_telling
        if len(telling) < 2:
            telling, n_grams = grams, self.n_grams
        lists = [p for g in telling if (p := self.postings.get(g)) is not None]
        if not lists:
            return np.zeros(0, dtype=np.int32)
        # Sorting the few thousand postings beats counting into an array of every name.
        hits, counts = np.unique(np.concatenate(lists), return_counts=True)
        keep = counts / np.minimum(n_grams[hits], len(telling)) >= MIN_SHARED
        hits, counts = hits[keep], counts[keep]
        if hits.size > limit:
            # Most shared first, then the lower id: one integer key per name.
            key = counts.astype(np.int64) * (len(self.keys) + 1) - hits
            hits = np.sort(hits[np.argpartition(-key, limit - 1)[:limit]])
        return hits.astype(np.int32)

    def scores(self, query: Sequence[str], pool: np.ndarray) -> np.ndarray:
        """`name_score` of the query against every name of `pool`, unrounded, computed for
        the whole pool at once (the same operations in the same order, so the same floats)."""
        if pool.size == 0:
            return np.zeros(0, dtype=np.float64)
        text = " ".join(query)
        keys = [self.keys[i] for i in pool.tolist()]
        sort = process.cdist([text], keys, scorer=fuzz.token_sort_ratio, dtype=np.float64)[0]
        score = sort / 100
        n_query = len(query)
        n_cand = self.n_tokens[pool]
        shorter = np.minimum(n_cand, n_query)
        longer = np.maximum(n_cand, n_query)
        subset = shorter >= 2
        if not subset.any():
            return score
        rows = np.flatnonzero(subset)
        token_set = process.cdist(
            [text], [keys[i] for i in rows.tolist()], scorer=fuzz.token_set_ratio, dtype=np.float64
        )[0]
        aligned = self._aligned(query, pool[rows])
        discount = 0.85 + 0.15 * shorter[rows] / longer[rows]
        best_subset = np.maximum(token_set / 100, aligned)
        score[rows] = np.maximum(score[rows], best_subset * discount)
        return score

    def _aligned(self, query: Sequence[str], pool: np.ndarray) -> np.ndarray:
        """`_aligned` for every name of `pool` (each with two tokens or more), greedy step by
        step across the pool: each token of the shorter name, longest first, takes the
        closest still unused token of the longer (the first of equals)."""
        n_cand = self.n_tokens[pool]
        width = int(n_cand.max())
        ids = self.token_ids[pool, :width]
        used_vocab = np.unique(ids[ids >= 0])
        ratios = process.cdist(
            list(query),
            [self.vocabulary[i] for i in used_vocab.tolist()],
            scorer=fuzz.ratio,
            dtype=np.float64,
        )
        # ratio[q, c, j]: query token q against the j-th token of candidate c (-1: no token).
        position = np.searchsorted(used_vocab, np.where(ids >= 0, ids, used_vocab[0]))
        pair = ratios[:, position]
        pair[:, ids < 0] = -1.0
        n_query = len(query)
        total = np.zeros(pool.size, dtype=np.float64)
        weight = np.zeros(pool.size, dtype=np.float64)
        rows = np.arange(pool.size)
        # The query is the shorter name (or as long): its tokens in the same order for all.
        a = np.flatnonzero(n_cand >= n_query)
        if a.size:
            free = pair[:, a, :].copy()
            for q in sorted(range(n_query), key=lambda i: len(query[i]), reverse=True):
                step = free[q]
                pick = step.argmax(axis=1)
                total[a] += step[rows[: a.size], pick] / 100 * len(query[q])
                weight[a] += len(query[q])
                free[:, rows[: a.size], pick] = -1.0
        # The candidate is the shorter: its own tokens, longest first, against the query's.
        b = np.flatnonzero(n_cand < n_query)
        if b.size:
            free_q = np.ones((b.size, n_query), dtype=bool)
            order = self.by_length[pool[b], :width]
            cand_ids = ids[b]
            for k in range(int(n_cand[b].max())):
                live = np.flatnonzero(n_cand[b] > k)
                position_k = order[live, k]
                step = pair[:, b[live], position_k].T.copy()
                step[~free_q[live]] = -1.0
                pick = step.argmax(axis=1)
                length = self.token_length[cand_ids[live, position_k]]
                total[b[live]] += step[np.arange(live.size), pick] / 100 * length
                weight[b[live]] += length
                free_q[live, pick] = False
        return np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)


def name_score(query: Sequence[str], candidate: Sequence[str]) -> float:
    """0..1 similarity of two sorted token lists (see the module docstring for why)."""
    a, b = " ".join(query), " ".join(candidate)
    score = fuzz.token_sort_ratio(a, b) / 100
    shorter, longer = sorted((len(query), len(candidate)))
    if shorter >= 2:
        discount = 0.85 + 0.15 * shorter / longer
        best_subset = max(fuzz.token_set_ratio(a, b) / 100, _aligned(query, candidate))
        score = max(score, best_subset * discount)
    return round(score, 3)


def _aligned(query: Sequence[str], candidate: Sequence[str]) -> float:
    """Each token of the shorter name paired with its closest unused token of the longer,
    the ratios weighted by token length: "dmitri khoroshev" against "dmitry khoroshev
    yuryevich" pairs dmitri/dmitry and khoroshev/khoroshev, where `token_set_ratio`
    would see only the exact "khoroshev" in common."""
    short, long_ = sorted((list(query), list(candidate)), key=len)
    free = list(long_)
    total = weight = 0.0
    for token in sorted(short, key=len, reverse=True):
        ratios = [fuzz.ratio(token, other) for other in free]
        best = max(range(len(free)), key=ratios.__getitem__)
        total += ratios[best] / 100 * len(token)
        weight += len(token)
        free.pop(best)
    return total / weight if weight else 0.0


def _grams(tokens: Iterable[str]) -> set[str]:
    grams: set[str] = set()
    for token in tokens:
        padded = f" {token} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO alpha-2 code of a code or a country name as lists write it ("Russia", "ru",
    "Korea, North": the policy's `country_names` first, then ISO 3166). An unknown name gives
    None: no guess (a fuzzy search took "Kosovo" for Serbia and cost 0.15 s a name)."""
    text = value.strip()
    if not text:
        return None
    known = load_screening_policy().country_names.get(text.casefold())
    if known is not None:
        return known
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def _id_key(value: str) -> str:
    return _ID_CHARS.sub("", value.upper())


def _query_date(value: date | str | None) -> tuple[int, str] | None:
    """The year and the full ISO date (or "") of a query's birth date; raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.year, value.isoformat()
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text), ""
    parsed = date.fromisoformat(text)
    return parsed.year, parsed.isoformat()


def _entry_dates(data: dict[str, Any]) -> tuple[tuple[int, int, str], ...]:
    """(first year, last year, exact ISO date or "") of each birth or incorporation date."""
    out: list[tuple[int, int, str]] = []
    for item in [*data.get("birth_dates", []), *data.get("incorporation_dates", [])]:
        if not isinstance(item, dict):
            continue
        try:
            if item.get("type") == "between":
                out.append((int(item["from"][:4]), int(item["to"][:4]), ""))
            elif item.get("type") != "text" and item.get("value"):
                value = str(item["value"])
                exact = value if len(value) == 10 and item.get("type") == "exact" else ""
                out.append((int(value[:4]), int(value[:4]), exact))
        except (KeyError, ValueError, TypeError):
            continue
    return tuple(out)


def _entry_identifiers(data: dict[str, Any]) -> frozenset[str]:
    values = [str(i.get("number", "")) for i in data.get("ids", []) if isinstance(i, dict)]
    vessel = data.get("vessel") or {}
    values += [str(vessel.get(k, "")) for k in ("imo", "imoNumber", "call_sign", "callSign")]
    return frozenset(k for k in (_id_key(v) for v in values) if len(k) >= 4)


def _secondary(
    party: _Party,
    country: str | None,
    birth: tuple[int, str] | None,
    identifiers: frozenset[str],
    policy: ScreeningPolicy,
    reasons: list[str],
) -> float:
    """What the identifiers add to the name score, with the reason for each change."""
    w = policy.weights
    delta = 0.0
    if country and party.countries:
        if country in party.countries:
            delta += w.country_match
            reasons.append("country matches")
        else:
            delta += w.country_mismatch
            reasons.append("country differs")
    if birth and party.dates:
        year, exact = birth
        if exact and any(d[2] == exact for d in party.dates):
            delta += w.birth_date_exact
            reasons.append("birth date matches")
        else:
            gap = min(max(lo - year, year - hi, 0) for lo, hi, _ in party.dates)
            if gap == 0:
                delta += w.birth_year_close
                reasons.append("birth year matches")
            elif gap == 1:
                delta += w.birth_year_close / 2
                reasons.append("birth year differs by 1")
            else:
                delta += w.birth_year_far
                reasons.append(f"birth year differs by {gap}")
    if identifiers & party.identifiers:
        delta += w.identifier_match
        reasons.append("identifier matches")
    return delta


def _index_key() -> tuple[tuple[Any, ...], ...]:
    """Every list version, by id and import time, in one small query (a list has a version
    per import): a new version changes it, and the time also tells a restored or rolled-back
    database, which may hand out an id again, from the one indexed. Plain SQL: every
    `screen_name` asks it, and the queryset machinery cost ten times the query (0.45 ms)."""
    table = connection.ops.quote_name(ListVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, imported_at FROM {table} ORDER BY id")  # noqa: S608
        return tuple(tuple(row) for row in cursor.fetchall())


def build_index(
    *, policy: ScreeningPolicy | None = None, versions: Sequence[int] = ()
) -> NameIndex:
    """Read every live entry and alias once and index their names; with `versions` (list
    version ids), only the entries those versions added or changed (a delta rescreen)."""
    policy = policy or load_screening_policy()
    latest = {
        r["sanctions_list"]: r["number"]
        for r in ListVersion.objects.values("sanctions_list").annotate(number=Max("number"))
    }
    live = Entry.objects.filter(removed_in__isnull=True)
    if versions:
        live = live.filter(last_changed_id__in=list(versions))
    aliases: dict[int, list[str]] = defaultdict(list)
    for entry_id, alias in Alias.objects.filter(entry__in=live).values_list("entry_id", "name"):
        aliases[entry_id].append(alias)
    index = NameIndex()
    entries = live.values(
        "id", "sanctions_list_id", "sanctions_list__source", "source_id", "kind", "name", "data"
    )
    for row in entries.iterator(chunk_size=2000):
        index.add_entry(
            list_source=row["sanctions_list__source"],
            list_version=latest.get(row["sanctions_list_id"], 0),
            entry_id=row["source_id"],
            name=row["name"],
            kind=row["kind"],
            data=row["data"] or {},
            aliases=aliases.get(row["id"], []),
            policy=policy,
        )
    return index


_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "index": None}


def current_index() -> NameIndex:
    """The index of the lists as they are now, rebuilt when any list has a new version."""
    key = _index_key()
    with _lock:
        if _cache["key"] != key or _cache["index"] is None:
            _cache["index"] = build_index()
            _cache["key"] = key
        index: NameIndex = _cache["index"]
    return index


logger = logging.getLogger(__name__)
WARM_INTERVAL_SECONDS = 60.0


def warm_index_once() -> bool:
    """Build the index now if the lists changed since it was built, and close this thread's
    connection after (a warming thread holds no connection between passes). False when the
    database cannot answer yet (before `migrate`, or while it restarts)."""
    try:
        current_index()
        return True
    except DatabaseError:
        logger.warning("screening index not warmed: the database did not answer", exc_info=True)
        return False
    finally:
        connection.close()


def keep_index_warm(interval: float = WARM_INTERVAL_SECONDS) -> threading.Thread:
    """Keep this process's index warm from a daemon thread: at start and every `interval`
    seconds (a list import runs in another process). Building the index of full lists takes
    seconds; without this the first registration after a start or an import built it inside
    its own transaction, holding SQLite's write lock for every other writer that long."""

    def loop() -> None:
        while True:
            warm_index_once()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="screening-index-warmer", daemon=True)
    thread.start()
    return thread


def screen_name(
    name: str,
    *,
    kind: str = "any",
    country: str | None = None,
    birth_date: date | str | None = None,
    identifiers: Sequence[str] = (),
    limit: int = 10,
    min_score: float | None = None,
    index: NameIndex | None = None,
) -> list[Hit]:
    """Clause 5.13 (b): the list entries `name` may be, best first, scored 0..1 with the
    reasons; `min_score` defaults to the policy's `review_score`. Raises ValueError for an
    unknown `kind` or a `birth_date` that is not a date or a year. `index`: search that index
    (a delta of some list versions) instead of every list in force."""
    return (index or current_index()).search(
        name,
        kind=kind,
        country=country,
        birth_date=birth_date,
        identifiers=identifiers,
        limit=limit,
        min_score=min_score,
    )
