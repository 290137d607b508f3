"""OFAC SDN XML (the legacy `sdn.xml` format), under either namespace OFAC has used
(`http://tempuri.org/sdnList.xsd`, the sanctions list service's). The publication date is in
`publshInformation` (OFAC's own spelling; `publishInformation` is accepted too). Empty or
attribute-only `sdnEntry` elements are skipped with a count."""

from __future__ import annotations

from datetime import date, datetime
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
)
from tradepost.compliance.importers.ofac_remarks import parse_date, parse_remarks
from tradepost.compliance.importers.xmlutil import child_text, children, descendants, local, stream

KINDS = {"individual": "person", "entity": "company", "vessel": "vessel", "aircraft": "aircraft"}


def _name(node: Element) -> str:
    last, first = child_text(node, "lastName"), child_text(node, "firstName")
    return f"{last}, {first}" if last and first else (last or first)


def _published(text: str) -> date | None:
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _entry(node: Element, path: Path, ordinal: int) -> ParsedEntry | None:
    uid = child_text(node, "uid")
    name = _name(node)
    if not uid and not name:
        return None
    where = _("sdnEntry #%(n)d") % {"n": ordinal}
    if not uid or not name:
        raise ImportFileError(path, where, _("an entry needs both a uid and a name"))
    sdn_type = child_text(node, "sdnType").lower()
    data: dict[str, object] = {}
    if title := child_text(node, "title"):
        data["title"] = title
    entry = ParsedEntry(
        source_id=uid,
        kind=KINDS.get(sdn_type, "other") if sdn_type else "company",
        name=name,
        programs=[clean(p.text) for p in descendants(node, "program") if clean(p.text)],
        remarks=child_text(node, "remarks"),
        data=data,
    )
    for aka in descendants(node, "aka"):
        alias_name = _name(aka)
        if not alias_name:
            continue
        kind = child_text(aka, "type").lower().replace(".", "")
        entry.aliases.append(
            ParsedAlias(
                name=alias_name,
                alias_type=kind if kind in ("aka", "fka", "nka") else "other",
                quality="weak" if child_text(aka, "category").lower() == "weak" else "strong",
            )
        )
    for ident in descendants(node, "id"):
        number = child_text(ident, "idNumber")
        if number:
            row = {"type": child_text(ident, "idType"), "number": number}
            if country := child_text(ident, "idCountry"):
                row["country"] = country
            entry.data.setdefault("ids", []).append(row)
    for address in descendants(node, "address"):
        row = {
            local(c.tag): clean(c.text) for c in address if local(c.tag) != "uid" and clean(c.text)
        }
        if row:
            entry.data.setdefault("addresses", []).append(row)
            if row.get("country"):
                add_unique(entry.data.setdefault("countries", []), row["country"])
    for dob in descendants(node, "dateOfBirthItem"):
        parsed = parse_date(child_text(dob, "dateOfBirth"))
        if parsed:
            entry.data.setdefault("birth_dates", []).append(parsed)
    for pob in descendants(node, "placeOfBirthItem"):
        if place := child_text(pob, "placeOfBirth"):
            add_unique(entry.data.setdefault("birth_places", []), place)
    for tag in ("nationality", "citizenship"):
        for item in descendants(node, tag):
            if country := child_text(item, "country"):
                add_unique(entry.data.setdefault("countries", []), country)
    for info in children(node, "vesselInfo"):
        vessel = {local(c.tag): clean(c.text) for c in info if clean(c.text)}
        if vessel:
            entry.data["vessel"] = vessel
    parse_remarks(entry)
    return entry


def read(paths: list[Path], progress: Progress) -> ParsedList:
    if len(paths) != 1:
        raise ImportFileError(
            paths[0] if paths else "-", _("file set"), _("give exactly one sdn.xml file")
        )
    path = paths[0]
    parsed = ParsedList(
        source="ofac-sdn",
        title="OFAC Specially Designated Nationals and Blocked Persons (SDN)",
        published=None,
        entries=[],
    )
    seen: set[str] = set()
    for tag, node, ordinal in stream(path, {"sdnEntry", "publshInformation", "publishInformation"}):
        if tag == "<root>":
            if local(node.tag) != "sdnList":
                raise ImportFileError(path, local(node.tag), _("the root element is not sdnList"))
            continue
        if tag != "sdnEntry":
            parsed.published = _published(child_text(node, "Publish_Date"))
            continue
        entry = _entry(node, path, ordinal)
        if entry is None:
            parsed.skip("empty_entries")
            continue
        if entry.source_id in seen:
            raise ImportFileError(
                path,
                _("sdnEntry #%(n)d") % {"n": ordinal},
                _("uid %(uid)s appears twice") % {"uid": entry.source_id},
            )
        seen.add(entry.source_id)
        parsed.entries.append(entry)
        if len(parsed.entries) % 5000 == 0:
            progress(_("%(n)d entries read") % {"n": len(parsed.entries)})
    return parsed
