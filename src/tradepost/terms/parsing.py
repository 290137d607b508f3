"""Reading a Terms document into dated parts, each a tree of numbered clauses.

Pure: plain text in, frozen dataclasses out, no database. The data migration calls it too.

The shape it reads is the one the Terms themselves are published in (Markdown-ish):

    **Part A:  New version -** **effective as of October 17, 2020**   -> one part (one version)
    PLEASE READ ...                                                    -> the part's preamble
    **2\\. Provision of Services**                                      -> section heading
    2.1 If you are ...  /  5.12Member ...  /  **5.3 Upon ...**          -> clause
    **Amendments.** at the start of a clause                           -> bold lead-in
    a) ...  (a) ...  (i) ...                                           -> sub-items
    a paragraph after a clause's sub-items                              -> the clause's closing text

Anything the parser cannot place is refused with its line number rather than dropped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

PART_HEADER = re.compile(
    r"^Part\s+(?P<part>[A-Z])\s*:\s*(?P<label>.*?)\s*-?\s*effective as of\s+(?P<date>.+?)\s*$",
    re.IGNORECASE,
)
_PART_START = re.compile(r"^Part\s+[A-Z]\s*:", re.IGNORECASE)
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DATE_FORMATS = ("%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%d %B %Y", "%Y-%m-%d")

_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*$")
_BOLD_SECTION = re.compile(r"^\*\*\s*(?P<num>\d+)\s*\\?\.(?!\d)\s*(?P<title>.*?)\s*\*\*$")
_MD_SECTION = re.compile(r"^(?P<num>\d+)\s*\\?\.(?!\d)\s*(?P<title>.+)$")
_CLAUSE = re.compile(
    r"^(?P<open>\*\*)?\s*(?P<num>\d+(?:\\?\.\d+)+)(?!\d)\\?\.?(?P<close>\*\*)?\s*(?P<rest>.*)$"
)
_LEAD_IN = re.compile(r"^\*\*(?P<lead>[^*]+?)\*\*(?P<punct>[.:])?\s+(?P<rest>\S.*)$")
_SUB_ITEM = re.compile(r"^(?P<open>\()?(?P<key>[a-z]|[ivx]{1,6})\)\s+(?P<text>\S.*)$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")

_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii")


class TermsParseError(ValueError):
    """The document cannot be read as Terms; `line` is 1-based in the source file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ParsedSubItem:
    number: str  # "5.5(c)", "6.3(a)(ii)": unique within a part, the anchor on the page
    label: str  # as written: "c)", "(ii)"
    text: str
    line: int
    sub_items: tuple[ParsedSubItem, ...] = ()


@dataclass(frozen=True)
class ParsedClause:
    number: str  # "5.13"
    section: str  # "5"
    heading: str  # the section heading it falls under, e.g. "Member’s Responsibilities"
    lead_in: str  # a bold lead-in such as "Amendments." (a heading too: clause 12.4)
    text: str  # the clause's own paragraphs before any sub-items
    closing_text: str  # paragraphs after its sub-items
    line: int
    sub_items: tuple[ParsedSubItem, ...] = ()


@dataclass(frozen=True)
class ParsedPart:
    part: str  # "A"
    label: str  # "Part A: New version"
    effective_date: date
    body: str  # the part's text as published; its hash identifies the version
    line: int
    preamble: str
    clauses: tuple[ParsedClause, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    parts: tuple[ParsedPart, ...]


def parse_effective_date(text: str) -> date:
    """Dates as the Terms write them: "October 17, 2020", "May 6th, 2020" (and ISO)."""
    cleaned = _ORDINAL.sub(r"\1", text.replace("*", "")).strip().rstrip(".")
    cleaned = re.sub(r"\s+", " ", cleaned)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {text.strip()!r}")


def unescape_markdown(text: str) -> str:
    r"""`2\.` -> `2.`: Markdown escapes carry no meaning of their own."""
    return _MD_ESCAPE.sub(r"\1", text)


# --- building ---------------------------------------------------------------------------


@dataclass
class _Item:
    key: str
    kind: str  # "letter" | "roman"
    form: str  # "a)" | "(a)"
    label: str
    lines: list[str]
    line: int
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Clause:
    number: str
    section: str
    heading: str
    lead_in: str
    line: int
    paragraphs: list[list[str]] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    closing: list[list[str]] = field(default_factory=list)

    def add_text(self, text: str, *, new_paragraph: bool) -> None:
        target = self.closing if self.items else self.paragraphs
        if new_paragraph or not target:
            target.append([text])
        else:
            target[-1].append(text)


@dataclass
class _Part:
    part: str
    label: str
    effective_date: date
    line: int
    raw: list[str] = field(default_factory=list)
    preamble: list[list[str]] = field(default_factory=list)
    clauses: list[_Clause] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    section: str = ""
    heading: str = ""
    after_heading: bool = False


def _paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines)


def _freeze_items(items: list[_Item], parent: str) -> tuple[ParsedSubItem, ...]:
    frozen = []
    for item in items:
        number = f"{parent}({item.key})"
        frozen.append(
            ParsedSubItem(
                number=number,
                label=item.label,
                text="\n".join(item.lines),
                line=item.line,
                sub_items=_freeze_items(item.children, number),
            )
        )
    return tuple(frozen)


def _freeze_clause(clause: _Clause) -> ParsedClause:
    text = _paragraphs(clause.paragraphs)
    if not text and not clause.items:
        raise TermsParseError(clause.line, f"clause {clause.number} has no text")
    return ParsedClause(
        number=clause.number,
        section=clause.section,
        heading=clause.heading,
        lead_in=clause.lead_in,
        text=text,
        closing_text=_paragraphs(clause.closing),
        line=clause.line,
        sub_items=_freeze_items(clause.items, clause.number),
    )


def _freeze_part(part: _Part) -> ParsedPart:
    if not part.clauses:
        raise TermsParseError(part.line, f"Part {part.part} has no numbered clauses")
    return ParsedPart(
        part=part.part,
        label=part.label,
        effective_date=part.effective_date,
        body="\n".join(part.raw).strip(),
        line=part.line,
        preamble=_paragraphs(part.preamble),
        clauses=tuple(_freeze_clause(c) for c in part.clauses),
    )


def _successor(kind: str, key: str) -> str | None:
    if kind == "letter":
        return chr(ord(key) + 1) if key < "z" else None
    index = _ROMAN.index(key) if key in _ROMAN else -1
    return _ROMAN[index + 1] if 0 <= index < len(_ROMAN) - 1 else None


def _add_sub_item(clause: _Clause, match: re.Match[str], line_no: int) -> None:
    """Place "a)", "(a)" or "(i)" in the clause's list: letters first, roman numerals nested."""
    key, form = match["key"], "(a)" if match["open"] else "a)"
    label = f"({key})" if match["open"] else f"{key})"
    if clause.closing:
        raise TermsParseError(
            line_no, f"sub-item {label} follows the closing text of clause {clause.number}"
        )
    top = clause.items
    last_top = top[-1] if top else None
    nested = last_top.children if last_top else []
    last_nested = nested[-1] if nested else None

    def new(kind: str) -> _Item:
        return _Item(key, kind, form, label, [match["text"]], line_no)

    if last_top and last_top.form == form and _successor(last_top.kind, last_top.key) == key:
        top.append(new(last_top.kind))
    elif (
        last_nested
        and last_nested.form == form
        and _successor(last_nested.kind, last_nested.key) == key
    ):
        nested.append(new(last_nested.kind))
    elif last_top and last_top.kind == "letter" and not nested and key == "i":
        nested.append(new("roman"))
    elif not top and key in ("a", "i"):
        top.append(new("letter" if key == "a" else "roman"))
    else:
        expected = (
            f"after {last_top.label} of clause {clause.number}"
            if last_top
            else f"as the first sub-item of clause {clause.number} (expected a) or (i))"
        )
        raise TermsParseError(line_no, f"sub-item {label} is out of sequence {expected}")


def _last_item(clause: _Clause) -> _Item:
    item = clause.items[-1]
    return item.children[-1] if item.children else item


def parse_document(text: str) -> ParsedDocument:
    """Read a whole Terms document; raise TermsParseError(line, reason) on the first problem."""
    title = ""
    parts: list[_Part] = []
    part: _Part | None = None
    clause: _Clause | None = None
    blank_before = False

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        plain = line.replace("*", "").strip()

        if _PART_START.match(plain):
            header = PART_HEADER.match(plain)
            if header is None:
                raise TermsParseError(
                    line_no, "part header without 'effective as of <date>': " + repr(plain)
                )
            try:
                effective = parse_effective_date(header["date"])
            except ValueError as exc:
                raise TermsParseError(line_no, f"part header has an {exc}") from exc
            letter = header["part"].upper()
            for earlier in parts:
                if earlier.part == letter:
                    raise TermsParseError(line_no, f"Part {letter} appears twice")
                if earlier.effective_date == effective:
                    raise TermsParseError(
                        line_no,
                        f"Part {letter} has the same effective date ({effective:%Y-%m-%d}) "
                        f"as Part {earlier.part}",
                    )
            label = f"Part {letter}: {header['label'].rstrip(' -')}".strip()
            part = _Part(part=letter, label=label, effective_date=effective, line=line_no)
            parts.append(part)
            clause = None
            blank_before = True
            continue

        if part is None:
            heading = _MD_HEADING.match(line)
            if not line or _RULE.match(line):
                continue
            if heading:
                title = title or unescape_markdown(heading["title"].replace("*", "")).strip()
                continue
            stray = _CLAUSE.match(line)
            what = f"clause {stray['num']}" if stray else "text"
            raise TermsParseError(
                line_no,
                f"{what} before any part header "
                "(expected 'Part A: <label> - effective as of <date>' first)",
            )

        part.raw.append(raw)

        if not line or _RULE.match(line):
            blank_before = True
            continue

        section = _BOLD_SECTION.match(line)
        md_heading = None if section else _MD_HEADING.match(line)
        if section or md_heading:
            if section:
                num, heading_text = section["num"], section["title"]
            else:
                assert md_heading is not None
                section_no = _MD_SECTION.match(md_heading["title"].replace("*", "").strip())
                num = section_no["num"] if section_no else ""
                heading_text = section_no["title"] if section_no else md_heading["title"]
            heading_text = unescape_markdown(heading_text.replace("*", "")).strip()
            if num and num in part.sections:
                raise TermsParseError(line_no, f"section {num} appears twice in Part {part.part}")
            if num:
                part.sections.add(num)
            part.section, part.heading, part.after_heading = num, heading_text, True
            clause = None
            blank_before = True
            continue

        numbered = _CLAUSE.match(line)
        if numbered:
            number = unescape_markdown(numbered["num"])
            section_of = number.split(".")[0]
            if number in part.numbers:
                raise TermsParseError(line_no, f"clause {number} appears twice in Part {part.part}")
            if part.section and section_of != part.section:
                raise TermsParseError(
                    line_no,
                    f"clause {number} is under section {part.section} "
                    f"({part.heading}); expected a clause {part.section}.x",
                )
            rest = numbered["rest"]
            if numbered["open"] and not numbered["close"]:
                rest = "**" + rest
            lead_in = ""
            lead = _LEAD_IN.match(rest)
            if lead and (lead["punct"] or lead["lead"].rstrip().endswith((".", ":"))):
                lead_in = (lead["lead"].strip() + (lead["punct"] or "")).strip()
                rest = lead["rest"]
            part.numbers.add(number)
            clause = _Clause(
                number=number,
                section=part.section or section_of,
                heading=part.heading,
                lead_in=lead_in,
                line=line_no,
            )
            part.clauses.append(clause)
            part.after_heading = False
            if rest.strip():
                clause.paragraphs.append([rest.strip()])
            blank_before = False
            continue

        if clause is None:
            if part.after_heading:
                raise TermsParseError(
                    line_no,
                    f"text under section heading {part.section or part.heading!r} "
                    "before its first numbered clause",
                )
            if blank_before or not part.preamble:
                part.preamble.append([line])
            else:
                part.preamble[-1].append(line)
            blank_before = False
            continue

        item = _SUB_ITEM.match(line)
        if item:
            _add_sub_item(clause, item, line_no)
        elif clause.items and not clause.closing and not blank_before:
            _last_item(clause).lines.append(line)
        else:
            clause.add_text(line, new_paragraph=blank_before)
        blank_before = False

    if not parts:
        raise TermsParseError(
            max(1, len(text.splitlines())),
            "no part header found (expected 'Part A: <label> - effective as of <date>')",
        )
    return ParsedDocument(title=title, parts=tuple(_freeze_part(p) for p in parts))


def parse_version_body(body: str, *, effective_date: date) -> ParsedPart:
    """Re-read one stored version's body (the data migration backfills clause trees with it).

    Line numbers in errors count from the body's first line.
    """
    header = f"Part A: stored - effective as of {effective_date:%Y-%m-%d}"
    try:
        return parse_document(f"{header}\n{body}").parts[0]
    except TermsParseError as exc:
        raise TermsParseError(max(1, exc.line - 1), exc.reason) from exc
