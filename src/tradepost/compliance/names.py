"""Name normalisation for sanctions screening (Clause 5.13 (b), Clause 5.6 (k)): a pure
function from a name as written to a comparable key, so that "KHOROSHEV, Dmitry Yuryevich",
"Dmitry Yuryevich Khoroshev" and "Дмитрий Юрьевич Хорошев" meet on the same tokens.

Steps: Unicode NFKC and casefold; legal forms written in their own script (ООО, 有限公司) are
dropped; every script is transliterated to Latin with anyascii (Cyrillic, Greek, Arabic,
Chinese, Japanese kana); punctuation goes; legal forms, titles and stopwords of
`policy/screening.toml` go; the remaining tokens are sorted. If dropping words would leave
nothing (a company called "Co"), the words are kept."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

from tradepost.policy.screening import ScreeningPolicy, load_screening_policy

_NON_WORD = re.compile(r"[^a-z0-9]+")
# "S.A.", "S.p.A", "B.V.": letters with dots between them are one word.
_DOTTED = re.compile(r"\b[a-z](?:\.[a-z])+\b\.?")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    tokens: tuple[str, ...]
    transliterated: bool

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in text)


def _han_run(match: re.Match[str]) -> str:
    """A run of Han characters in pinyin. A run of two or three is read as a personal name,
    family name first ("王磊" -> "wang lei", "邓小平" -> "deng xiaoping"), as Latin lists
    write it; a longer run (a firm's name) stays one word."""
    run = match.group(0)
    if 2 <= len(run) <= 3:
        return f" {anyascii(run[0])} {anyascii(run[1:])} "
    return f" {anyascii(run)} "


def normalise_name(name: str, *, policy: ScreeningPolicy | None = None) -> NormalisedName:
    policy = policy or load_screening_policy()
    text = unicodedata.normalize("NFKC", name).casefold()
    for form in policy.legal_forms_native:
        folded = unicodedata.normalize("NFKC", form).casefold()
        if folded and folded in text:
            text = text.replace(folded, " ")
    transliterated = not _is_latin(text)
    text = _HAN_RUN.sub(_han_run, text)
    text = anyascii(text).casefold()
    text = text.replace("'", "").replace("`", "").replace("\u2019", "")
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    words = [w for w in _NON_WORD.split(text) if w]
    dropped = policy.legal_forms | policy.titles | policy.stopwords
    kept = [w for w in words if w not in dropped]
    return NormalisedName(tokens=tuple(sorted(kept or words)), transliterated=transliterated)


def name_key(name: str, *, policy: ScreeningPolicy | None = None) -> str:
    """The sorted, space-joined tokens of `name`: what fuzzy scores compare."""
    return normalise_name(name, policy=policy).key
