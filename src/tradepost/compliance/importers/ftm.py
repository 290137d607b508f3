"""FollowTheMoney entities as JSON lines (OpenSanctions' `entities.ftm.json`). Persons,
companies, organisations, legal entities, vessels and airplanes become entries; `Sanction`
entities fold their programmes into the entity they name; other schemas (Address, Ownership,
Family, ...) are skipped with a count per schema. The list is `ftm:<dataset>`, the dataset
being the folder of an `entities.ftm.json` file (OpenSanctions' layout) or the file's stem."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

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

KINDS = {
    "Person": "person",
    "Company": "company",
    "Organization": "company",
    "LegalEntity": "company",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
ALIAS_PROPS = (
    ("alias", "aka", "strong"),
    ("weakAlias", "aka", "weak"),
    ("previousName", "fka", "strong"),
)
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction")
DATE_PROPS = {"birthDate": "birth_dates", "incorporationDate": "incorporation_dates"}
ID_PROPS = (
    "registrationNumber",
    "idNumber",
    "imoNumber",
    "taxNumber",
    "innCode",
    "ogrnCode",
    "passportNumber",
    "mmsi",
)


def dataset_of(path: Path) -> str:
    if path.name.lower() in ("entities.ftm.json", "entities.ftm.jsonl"):
        return path.parent.name or path.stem
    return path.name.split(".", 1)[0]


def _date(value: str) -> dict[str, str]:
    """ISO dates, possibly partial: `1965-09-21`, `1965-09`, `1965`."""
    kind = {4: "year", 7: "month"}.get(len(value), "exact")
    return {"type": kind, "value": value[:10]}


def _entry(record: dict[str, Any], kind: str) -> ParsedEntry | None:
    props: dict[str, list[str]] = record.get("properties") or {}
    names = [clean(n) for n in props.get("name", []) if clean(n)]
    caption = clean(record.get("caption"))
    fallback = names[0] if names else ""
    primary = caption if caption and (caption in names or not names) else fallback
    if not primary:
        return None
    data: dict[str, Any] = {"schema": record.get("schema"), "target": bool(record.get("target"))}
    if record.get("referents"):
        data["referents"] = list(record["referents"])
    if record.get("datasets"):
        data["datasets"] = list(record["datasets"])
    entry = ParsedEntry(source_id=str(record["id"]), kind=kind, name=primary, data=data)
    seen = {primary.casefold()}
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            entry.aliases.append(ParsedAlias(name=name, script=script_of(name)))
    for prop, alias_type, quality in ALIAS_PROPS:
        for name in props.get(prop, []):
            name = clean(name)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                entry.aliases.append(
                    ParsedAlias(
                        name=name, alias_type=alias_type, quality=quality, script=script_of(name)
                    )
                )
    countries: list[str] = []
    for prop in COUNTRY_PROPS:
        for value in props.get(prop, []):
            add_unique(countries, clean(value).lower())
    if countries:
        data["countries"] = countries
    for prop, key in DATE_PROPS.items():
        dates = [_date(clean(v)) for v in props.get(prop, []) if clean(v)]
        if dates:
            data[key] = dates
    ids = [
        {"type": prop, "number": clean(v)}
        for prop in ID_PROPS
        for v in props.get(prop, [])
        if clean(v)
    ]
    if ids:
        data["ids"] = ids
    if topics := props.get("topics"):
        data["topics"] = sorted(set(topics))
    if gender := props.get("gender"):
        data["gender"] = gender[0]
    for program in props.get("programId", []) + props.get("program", []):
        add_unique(entry.programs, clean(program))
    entry.remarks = "\n".join(clean(n) for n in props.get("notes", []) if clean(n))
    return entry


def read(paths: list[Path], progress: Progress) -> ParsedList:
    datasets = {dataset_of(p) for p in paths}
    if len(datasets) != 1:
        raise ImportFileError(
            paths[0] if paths else "-",
            _("file set"),
            _("give the files of one dataset at a time, not %(sets)s")
            % {"sets": ", ".join(sorted(datasets))},
        )
    dataset = datasets.pop()
    parsed = ParsedList(source=f"ftm:{dataset}", title=dataset, published=None, entries=[])
    entries: dict[str, ParsedEntry] = {}
    sanctions: list[tuple[str, list[str], str]] = []
    last_change = ""
    for path in paths:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                line = raw.decode("utf-8", errors="strict").strip().rstrip("\x1a")
                if not line:
                    continue
                where = _("line %(line)d") % {"line": number}
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise ImportFileError(path, where, str(exc)) from exc
                if not isinstance(record, dict) or not record.get("id") or not record.get("schema"):
                    raise ImportFileError(path, where, _("an entity needs an id and a schema"))
                if not isinstance(record.get("properties", {}), dict):
                    raise ImportFileError(path, where, _("properties is not an object"))
                schema = str(record["schema"])
                last_change = max(last_change, str(record.get("last_change") or ""))
                if schema == "Sanction":
                    props = record.get("properties") or {}
                    listed = props.get("programId", []) + props.get("program", [])
                    programs = [clean(p) for p in listed]
                    authority = ", ".join(props.get("authority", []))
                    for target in props.get("entity", []):
                        sanctions.append((target, [p for p in programs if p], authority))
                    parsed.skip("folded_Sanction")
                    continue
                kind = KINDS.get(schema)
                if kind is None:
                    parsed.skip(f"schema_{schema}")
                    continue
                entry = _entry(record, kind)
                if entry is None:
                    parsed.skip("unnamed_entities")
                    continue
                if entry.source_id in entries:
                    raise ImportFileError(
                        path, where, _("entity %(id)s appears twice") % {"id": entry.source_id}
                    )
                entries[entry.source_id] = entry
        progress(_("%(n)d entities read") % {"n": len(entries)})
    for target, programs, authority in sanctions:
        entry = entries.get(target)
        if entry is None:
            parsed.skip("orphan_sanctions")
            continue
        for program in programs:
            add_unique(entry.programs, program)
        if authority:
            add_unique(entry.data.setdefault("authorities", []), authority)
    if last_change:
        try:
            parsed.published = date.fromisoformat(last_change[:10])
        except ValueError:
            parsed.published = None
    parsed.entries = list(entries.values())
    return parsed
