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


# Bidi embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), zero-width
# space, joiners and direction marks (U+200B-U+200F), and the zero-width no-break space
# (U+FEFF): they make a name read differently from what it holds ("Acme\u202egnp.exe").
FORMATTING_CHARACTERS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + [chr(c) for c in range(0x200B, 0x2010)]
    + ["\ufeff"]
)


def formatting_problem(value: str) -> str | None:
    """Why a name or title may not hold `value`'s invisible or direction-changing characters.

    A leading U+FEFF is a byte-order mark pasted from a file; `clean_name` drops it.
    """
    found = sorted({ch for ch in value.removeprefix("\ufeff") if ch in FORMATTING_CHARACTERS})
    if not found:
        return None
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
    return (
        f"contains invisible or text-direction formatting characters ({codes}); "
        "names and titles must read as they are written"
    )


def clean_name(value: str) -> str:
    """`clean_text` for a one-line name or title, refusing invisible formatting characters."""
    text = clean_text(value).removeprefix("\ufeff").strip()
    problem = formatting_problem(text)
    if problem:
        raise ValueError(f"The text {problem}.")
    return text


_SPOOF_CHECKER = icu.SpoofChecker()


def confusable_skeleton(value: str) -> str:
    """NFKC, then the UTS #39 confusables skeleton (ICU's SpoofChecker).

    Two strings that look alike ("HRB" with a Cyrillic "Н") have the same skeleton. A
    skeleton is only for comparing: it is never shown (it maps "1" to "l", "m" to "rn").
    """
    return _SPOOF_CHECKER.getSkeleton(0, unicodedata.normalize("NFKC", value))
