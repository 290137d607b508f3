"""Text hygiene shared by every input path: reject what a database or a reader cannot hold."""

from __future__ import annotations

import unicodedata

import icu

_ALLOWED_CONTROL = {"\n", "\r", "\t"}


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Return why `value` is not acceptable text, or None.

    Refuses NUL and other control characters (PostgreSQL cannot store NUL) and lone
    surrogates (not encodable as UTF-8), so bad Unicode is a 4xx, never a 500.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains invalid Unicode (unpaired surrogate)"
    for ch in value:
        if ch in _ALLOWED_CONTROL and (multiline or ch == "\t"):
            continue
        if unicodedata.category(ch) == "Cc":
            return "contains control characters"
    return None


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC-normalise, unify line breaks to "\n" and strip; raise ValueError for bad text."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValueError(problem)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", value).strip()


_SPOOF_CHECKER = icu.SpoofChecker()


def confusable_skeleton(value: str) -> str:
    """NFKC, then the UTS #39 confusables skeleton (ICU's SpoofChecker).

    Two strings that look alike ("HRB" with a Cyrillic "Н") have the same skeleton. A
    skeleton is only for comparing: it is never shown (it maps "1" to "l", "m" to "rn").
    """
    return _SPOOF_CHECKER.getSkeleton(0, unicodedata.normalize("NFKC", value))
