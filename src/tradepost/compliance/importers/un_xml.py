"""The UN Security Council Consolidated List XML (`CONSOLIDATED_LIST`, with
`INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`). Entries are keyed by their reference number
(`QDi.430`); dates of birth are EXACT, APPROXIMATELY or BETWEEN (a date, a year, or a range of
years); empty placeholder aliases are skipped with a count."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from tradepost.compliance.importers import (
    ImportFileError,
    ParsedAlias,
    ParsedEntry,
    ParsedList,
    Progress,
    add_unique,
    clean,
    script_of,
)
from tradepost.compliance.importers.xmlutil import child_text, children, local, stream

QUALITY = {"good": "strong", "a.k.a.": "strong", "low": "weak"}


def _values(node: Element, name: str) -> list[str]:
    out: list[str] = []
    for holder in children(node, name):
        for value in children(holder, "VALUE"):
            add_unique(out, clean(value.text))
    return out


def _birth_date(node: Element) -> dict[str, str] | None:
    kind = child_text(node, "TYPE_OF_DATE").lower()
    exact, year = child_text(node, "DATE"), child_text(node, "YEAR")
    low, high = child_text(node, "FROM_YEAR"), child_text(node, "TO_YEAR")
    if low or high:
        return {"type": "between", "from": low or high, "to": high or low}
    if exact:
        exactness = "approximately" if kind == "approximately" else "exact"
        return {"type": exactness, "value": exact[:10]}
    if year:
        return {"type": "approximately" if kind == "approximately" else "year", "value": year}
    return None


def _entry(tag: str, node: Element, path: Path, ordinal: int, parsed: ParsedList) -> ParsedEntry:
    where = _("%(tag)s #%(n)d") % {"tag": tag, "n": ordinal}
    reference = child_text(node, "REFERENCE_NUMBER")
    parts = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    names = [child_text(node, n) for n in parts]
    name = " ".join(n for n in names if n)
    if not reference:
        raise ImportFileError(path, where, _("REFERENCE_NUMBER is missing"))
    if not name:
        raise ImportFileError(path, where + f" ({reference})", _("the name is empty"))
    person = tag == "INDIVIDUAL"
    data: dict[str, object] = {"dataid": child_text(node, "DATAID")}
    if listed_on := child_text(node, "LISTED_ON"):
        data["listed_on"] = listed_on[:10]
    for key, element in (("titles", "TITLE"), ("designations", "DESIGNATION")):
        if values := _values(node, element):
            data[key] = values
    countries = _values(node, "NATIONALITY")
    if gender := child_text(node, "GENDER"):
        data["gender"] = gender.lower()
    entry = ParsedEntry(
        source_id=reference,
        kind="person" if person else "company",
        name=name,
        programs=[p for p in [child_text(node, "UN_LIST_TYPE")] if p],
        remarks=child_text(node, "COMMENTS1"),
        data=data,
    )
    if original := child_text(node, "NAME_ORIGINAL_SCRIPT"):
        entry.aliases.append(
            ParsedAlias(name=original, alias_type="original", script=script_of(original))
        )
    for alias in children(node, "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        alias_name = child_text(alias, "ALIAS_NAME")
        if not alias_name:
            parsed.skip("empty_aliases")
            continue
        entry.aliases.append(
            ParsedAlias(
                name=alias_name,
                quality=QUALITY.get(child_text(alias, "QUALITY").lower(), "strong"),
                script=script_of(alias_name),
            )
        )
    addresses = []
    for address in children(node, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"):
        row = {local(c.tag).lower(): clean(c.text) for c in address if clean(c.text)}
        if row:
            addresses.append(row)
            add_unique(countries, row.get("country", ""))
    if addresses:
        data["addresses"] = addresses
    if countries:
        data["countries"] = countries
    dates = [d for d in (_birth_date(n) for n in children(node, "INDIVIDUAL_DATE_OF_BIRTH")) if d]
    if dates:
        data["birth_dates"] = dates
    places: list[str] = []
    for place in children(node, "INDIVIDUAL_PLACE_OF_BIRTH"):
        text = ", ".join(clean(c.text) for c in place if clean(c.text))
        add_unique(places, text)
    if places:
        data["birth_places"] = places
    ids = []
    for document in children(node, "INDIVIDUAL_DOCUMENT"):
        number = child_text(document, "NUMBER")
        if number:
            ident = {"type": child_text(document, "TYPE_OF_DOCUMENT"), "number": number}
            if country := child_text(document, "ISSUING_COUNTRY"):
                ident["country"] = country
            ids.append(ident)
    if ids:
        data["ids"] = ids
    return entry


def read(paths: list[Path], progress: Progress) -> ParsedList:
    if len(paths) != 1:
        raise ImportFileError(
            paths[0] if paths else "-", _("file set"), _("give exactly one UN list XML file")
        )
    path = paths[0]
    parsed = ParsedList(
        source="un-sc",
        title="UN Security Council Consolidated List",
        published=None,
        entries=[],
    )
    seen: set[str] = set()
    for tag, node, ordinal in stream(path, {"INDIVIDUAL", "ENTITY"}):
        if tag == "<root>":
            if local(node.tag) != "CONSOLIDATED_LIST":
                raise ImportFileError(
                    path, local(node.tag), _("the root element is not CONSOLIDATED_LIST")
                )
            generated = node.get("dateGenerated", "")[:10]
            try:
                parsed.published = date.fromisoformat(generated) if generated else None
            except ValueError:
                raise ImportFileError(
                    path, "CONSOLIDATED_LIST/@dateGenerated", _("not a date: %s") % generated
                ) from None
            continue
        entry = _entry(tag, node, path, ordinal, parsed)
        if entry.source_id in seen:
            raise ImportFileError(
                path,
                _("%(tag)s #%(n)d") % {"tag": tag, "n": ordinal},
                _("reference number %(ref)s appears twice") % {"ref": entry.source_id},
            )
        seen.add(entry.source_id)
        parsed.entries.append(entry)
        if len(parsed.entries) % 500 == 0:
            progress(_("%(n)d entries read") % {"n": len(parsed.entries)})
    return parsed
