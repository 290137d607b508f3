"""Clause-level differences between two versions of the Terms. Pure: plain data in and out.

Clause 1.3 lets the Terms be amended by posting a new version; members are owed a clear view of
what changed. Clause 12.4 says headings carry no legal meaning, so a clause whose heading alone
changed is reported apart from one whose text changed. Changes of whitespace, Markdown escaping,
emphasis or sub-item bracket style alone are not changes of the text and are ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from tradepost.terms.parsing import unescape_markdown

_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_SUB_ITEM_LABEL = re.compile(r"^\(?([a-z]+)\)$")


@dataclass(frozen=True)
class ClauseText:
    """One clause as the diff sees it: everything under its number, sub-items included."""

    number: str
    heading: str
    text: str


@dataclass(frozen=True)
class WordChange:
    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class ClauseChange:
    number: str
    kind: Literal["added", "removed", "changed", "heading_only"]
    heading_before: str = ""
    heading_after: str = ""
    words: tuple[WordChange, ...] = ()

    @property
    def heading_changed(self) -> bool:
        return not same_wording(self.heading_before, self.heading_after)


@dataclass(frozen=True)
class TermsDiff:
    changes: tuple[ClauseChange, ...] = field(default_factory=tuple)
    preamble: ClauseChange | None = None  # the unnumbered text before clause 1.1

    def numbers(self, kind: str) -> list[str]:
        return [c.number for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[str]:
        return self.numbers("added")

    @property
    def removed(self) -> list[str]:
        return self.numbers("removed")

    @property
    def changed(self) -> list[str]:
        return self.numbers("changed")

    @property
    def heading_only(self) -> list[str]:
        return self.numbers("heading_only")

    def summary(self) -> dict[str, list[str]]:
        """The command-line and API contract: lists of clause numbers as strings."""
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "heading_only": self.heading_only,
        }


def normalise(text: str) -> str:
    r"""Whitespace runs (incl. no-break spaces) to one space; `\.` to `.`; `**x**` to `x`."""
    return " ".join(_EMPHASIS.sub("", unescape_markdown(text)).split())


def same_wording(before: str, after: str) -> bool:
    """Equal once normalised and with whitespace dropped entirely, so a space added after a
    comma ("Square,1" / "Square, 1", clause 11.1 of the 2020 Terms) is not a change."""
    return "".join(normalise(before).split()) == "".join(normalise(after).split())


def sub_item_text(label: str, text: str) -> str:
    """`a) x` and `(a) x` read the same: the bracket style is formatting, not wording."""
    match = _SUB_ITEM_LABEL.match(label.strip())
    return f"({match[1]}) {text}" if match else f"{label} {text}"


class _SubItem(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def sub_items(self) -> Sequence[_SubItem]: ...


class _Clause(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def sub_items(self) -> Sequence[_SubItem]: ...
    @property
    def heading(self) -> str: ...
    @property
    def lead_in(self) -> str: ...
    @property
    def closing_text(self) -> str: ...


def _sub_items_text(items: Sequence[_SubItem]) -> list[str]:
    texts: list[str] = []
    for item in items:
        texts.append(sub_item_text(item.label, item.text))
        texts.extend(_sub_items_text(item.sub_items))
    return texts


def clause_text(clause: _Clause) -> ClauseText:
    """What the diff compares, from a parsed clause or a stored one: the heading (section
    heading and bold lead-in, clause 12.4) apart from the text (own, sub-items, closing)."""
    heading = " / ".join(part for part in (clause.heading, clause.lead_in) if part)
    body = [clause.text, *_sub_items_text(clause.sub_items), clause.closing_text]
    return ClauseText(clause.number, heading, "\n\n".join(p for p in body if p))


def word_diff(before: str, after: str) -> tuple[WordChange, ...]:
    """Word-level diff of the normalised texts; a replacement is a delete then an insert."""
    old, new = normalise(before).split(), normalise(after).split()
    changes: list[WordChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(WordChange("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            changes.append(WordChange("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            changes.append(WordChange("insert", " ".join(new[j1:j2])))
    return tuple(changes)


def diff_clauses(
    before: list[ClauseText],
    after: list[ClauseText],
    *,
    preamble_before: str = "",
    preamble_after: str = "",
) -> TermsDiff:
    """Compare clause by number; report in the order of the newer version, removed ones last.

    The preamble has no number, so it is reported on its own rather than in the number lists.
    """
    old = {c.number: c for c in before}
    new_numbers = {c.number for c in after}
    changes: list[ClauseChange] = []
    for clause in after:
        previous = old.get(clause.number)
        if previous is None:
            changes.append(
                ClauseChange(
                    clause.number,
                    "added",
                    heading_after=clause.heading,
                    words=word_diff("", clause.text),
                )
            )
            continue
        text_same = same_wording(previous.text, clause.text)
        heading_same = same_wording(previous.heading, clause.heading)
        if text_same and heading_same:
            continue
        changes.append(
            ClauseChange(
                clause.number,
                "heading_only" if text_same else "changed",
                heading_before=previous.heading,
                heading_after=clause.heading,
                words=() if text_same else word_diff(previous.text, clause.text),
            )
        )
    for clause in before:
        if clause.number not in new_numbers:
            changes.append(
                ClauseChange(
                    clause.number,
                    "removed",
                    heading_before=clause.heading,
                    words=word_diff(clause.text, ""),
                )
            )
    preamble = None
    if not same_wording(preamble_before, preamble_after):
        preamble = ClauseChange(
            "preamble", "changed", words=word_diff(preamble_before, preamble_after)
        )
    return TermsDiff(tuple(changes), preamble)
