"""The `Remarks` grammar of OFAC's legacy files: `; `-separated `Key value` items ending in
`.`, where `alt.` marks a second value of a key. Pulls out what matching needs: dates and
places of birth, nationality and citizenship, identifiers, gender, and the aliases that exist
only here (`a.k.a. 'DIALOGUE REGIONS'`)."""

from __future__ import annotations

import re
from typing import Any

from tradepost.compliance.importers import ParsedAlias, ParsedEntry, add_unique

_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
# The quoted name ends at a quote followed by the end of the item (`;`, `.`, `,` or the end):
# names hold apostrophes of their own ('ABU-'UMAR', ''FOOPIE'').
_AKA = re.compile(
    r"\b([fn]\.k\.a\.|a\.k\.a\.)\s*,?\s*'(.+?)'(?=\s*(?:[;,]|\.?\s*$|\.\s))", re.IGNORECASE
)
_ID_KEYS = (
    "Passport",
    "National ID No.",
    "Cedula No.",
    "Tax ID No.",
    "Registration Number",
    "Registration ID",
    "Identification Number",
    "RFC",
    "C.U.R.P.",
    "NIT #",
    "Business Registration Number",
    "Vessel Registration Identification IMO",
    "MMSI",
    "Aircraft Manufacturer's Serial Number (MSN)",
)


def parse_date(text: str) -> dict[str, Any] | None:
    """`17 Apr 1993` exact; `Apr 1993` month; `1993` year; `circa 1960` approximate;
    `1960 to 1962` a range. Anything else is kept as text."""
    text = text.strip().rstrip(".")
    approx = False
    lowered = text.lower()
    for prefix in ("circa ", "approximately "):
        if lowered.startswith(prefix):
            approx, text = True, text[len(prefix) :]
    m = re.fullmatch(r"(\d{4})\s+to\s+(\d{4})", text)
    if m:
        return {"type": "between", "from": m.group(1), "to": m.group(2)}
    m = re.fullmatch(r"(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\s+(\d{4})", text)
    if m and m.group(2).lower() in MONTHS:
        month = MONTHS[m.group(2).lower()]
        if m.group(1):
            value = f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
        else:
            value = f"{m.group(3)}-{month:02d}"
        return {"type": "approximately" if approx else "exact", "value": value}
    m = re.fullmatch(r"(\d{4})", text)
    if m:
        return {"type": "approximately" if approx else "year", "value": m.group(1)}
    return {"type": "text", "value": text} if text else None


def parse_remarks(entry: ParsedEntry) -> None:
    if not entry.remarks:
        return
    data = entry.data
    known = {a.name.casefold() for a in entry.aliases} | {entry.name.casefold()}
    for match in _AKA.finditer(entry.remarks):
        kind = match.group(1).lower().replace(".", "")[:3]
        name = " ".join(match.group(2).strip("'").split())
        if name and name.casefold() not in known:
            known.add(name.casefold())
            entry.aliases.append(
                ParsedAlias(name=name, alias_type=kind if kind in ("fka", "nka") else "aka")
            )
    for item in entry.remarks.split(";"):
        item = " ".join(item.split()).rstrip(".")
        if item.startswith("alt. "):
            item = item[5:]
        if item.startswith("DOB "):
            date = parse_date(item[4:])
            if date:
                data.setdefault("birth_dates", []).append(date)
        elif item.startswith("POB "):
            add_unique(data.setdefault("birth_places", []), item[4:])
        elif item.startswith(("nationality ", "citizen ")):
            add_unique(data.setdefault("countries", []), item.split(" ", 1)[1])
        elif item.startswith("Gender "):
            data["gender"] = item[7:].lower()
        elif item.startswith(("Email Address ", "Website ")):
            key = "emails" if item.startswith("Email") else "websites"
            add_unique(data.setdefault(key, []), item.split(" ", 2)[-1])
        elif item.startswith("Date of Registration "):
            date = parse_date(item[len("Date of Registration ") :])
            if date:
                data.setdefault("incorporation_dates", []).append(date)
        else:
            for key in _ID_KEYS:
                if item.startswith(key + " "):
                    rest = item[len(key) + 1 :]
                    m = re.match(r"(?P<number>\S+)\s*(?:\((?P<country>[^)]+)\))?", rest)
                    if m:
                        ident = {"type": key.rstrip(" #."), "number": m.group("number")}
                        if m.group("country"):
                            ident["country"] = m.group("country")
                            if key == "Passport":
                                add_unique(data.setdefault("countries", []), m.group("country"))
                        data.setdefault("ids", []).append(ident)
                    break
