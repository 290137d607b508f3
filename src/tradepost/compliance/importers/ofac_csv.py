"""OFAC legacy CSV set: `sdn.csv` + `alt.csv` + `add.csv` + `sdn_comments.csv`, or the
Consolidated non-SDN `cons_prim.csv` + `cons_alt.csv` + `cons_add.csv` + `cons_comments.csv`.

Taken as published: no header row; nulls written `-0- `; CRLF or LF; a trailing Ctrl-Z; a last
null cut short (`-0-`, `-0`); remarks cut at 1,000 characters and continued in the comments
file; aliases also inside the remarks (`a.k.a. 'NAME'`); alias and address rows whose ent_num
has no entry are skipped with a count, never attached elsewhere."""

from __future__ import annotations

import csv
import io
from pathlib import Path

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
from tradepost.compliance.importers.ofac_remarks import parse_remarks

ROLES = {
    "sdn.csv": ("ofac-sdn", "prim"),
    "alt.csv": ("ofac-sdn", "alt"),
    "add.csv": ("ofac-sdn", "add"),
    "sdn_comments.csv": ("ofac-sdn", "comments"),
    "cons_prim.csv": ("ofac-cons", "prim"),
    "cons_alt.csv": ("ofac-cons", "alt"),
    "cons_add.csv": ("ofac-cons", "add"),
    "cons_comments.csv": ("ofac-cons", "comments"),
}
TITLES = {
    "ofac-sdn": "OFAC Specially Designated Nationals and Blocked Persons (SDN)",
    "ofac-cons": "OFAC Consolidated Sanctions List (non-SDN)",
}
WIDTH = {"prim": 12, "alt": 5, "add": 6, "comments": 2}
KINDS = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "company"}


def _rows(path: Path, role: str) -> list[tuple[int, list[str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = text.rstrip("\x1a\r\n")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=False, strict=False)
    try:
        for row in reader:
            if not row or row == [""]:
                continue
            line = reader.line_num
            if len(row) != WIDTH[role]:
                raise ImportFileError(
                    path,
                    _("line %(line)d") % {"line": line},
                    _("expected %(want)d fields, found %(got)d")
                    % {"want": WIDTH[role], "got": len(row)},
                )
            cells = [clean(cell) for cell in row]
            if role in ("prim", "comments"):
                # Remarks keep their spacing: a cut remark continues mid-word in the comments.
                cells[-1] = row[-1] if cells[-1] else ""
            if not cells[0].isdigit():
                raise ImportFileError(
                    path,
                    _("line %(line)d") % {"line": line},
                    _("the entity number %(value)r is not a number") % {"value": row[0]},
                )
            rows.append((line, cells))
    except csv.Error as exc:
        raise ImportFileError(
            path, _("line %(line)d") % {"line": reader.line_num}, str(exc)
        ) from exc
    return rows


def _programs(value: str) -> list[str]:
    return [p.strip(" []") for p in value.split("] [") if p.strip(" []")]


def read(paths: list[Path], progress: Progress) -> ParsedList:
    files: dict[str, Path] = {}
    source = ""
    for path in paths:
        role = ROLES.get(path.name.lower())
        if role is None:
            raise ImportFileError(
                path,
                _("file name"),
                _("not one of %(names)s") % {"names": ", ".join(sorted(ROLES))},
            )
        if source and role[0] != source:
            raise ImportFileError(path, _("file name"), _("mixes SDN and Consolidated files"))
        source = role[0]
        if role[1] in files:
            raise ImportFileError(path, _("file name"), _("given twice"))
        files[role[1]] = path
    if "prim" not in files:
        raise ImportFileError(
            paths[0] if paths else "-",
            _("file set"),
            _("the primary file (sdn.csv or cons_prim.csv) is required"),
        )
    parsed = ParsedList(source=source, title=TITLES[source], published=None, entries=[])
    entries: dict[str, ParsedEntry] = {}
    for line, c in _rows(files["prim"], "prim"):
        ent_num, name, sdn_type, program, title = c[0], c[1], c[2].lower(), c[3], c[4]
        if ent_num in entries:
            raise ImportFileError(
                files["prim"],
                _("line %(line)d") % {"line": line},
                _("entity number %(n)s appears twice") % {"n": ent_num},
            )
        if not name:
            raise ImportFileError(
                files["prim"], _("line %(line)d") % {"line": line}, _("the name is empty")
            )
        data: dict[str, object] = {}
        if title:
            data["title"] = title
        vessel = {
            k: v
            for k, v in zip(
                ("call_sign", "vessel_type", "tonnage", "grt", "flag", "owner"),
                c[5:11],
                strict=True,
            )
            if v
        }
        if vessel:
            data["vessel"] = vessel
        entries[ent_num] = ParsedEntry(
            source_id=ent_num,
            kind=KINDS.get(sdn_type, "other"),
            name=name,
            programs=_programs(program),
            remarks=c[11],
            data=data,
        )
    progress(_("%(n)d entries read") % {"n": len(entries)})
    if "comments" in files:
        for _line, c in _rows(files["comments"], "comments"):
            entry = entries.get(c[0])
            if entry is None:
                parsed.skip("orphan_comments")
                continue
            # The comment continues the remark exactly where it was cut.
            entry.remarks = entry.remarks + c[1] if entry.remarks else c[1]
    if "alt" in files:
        for _line, c in _rows(files["alt"], "alt"):
            entry = entries.get(c[0])
            if entry is None:
                parsed.skip("orphan_aliases")
                continue
            alt_type = c[2].lower().rstrip(".") or "aka"
            if not c[3]:
                parsed.skip("empty_aliases")
                continue
            entry.aliases.append(
                ParsedAlias(
                    name=c[3],
                    alias_type=alt_type if alt_type in ("aka", "fka", "nka") else "other",
                    quality="weak" if "weak" in c[4].lower() else "strong",
                )
            )
    if "add" in files:
        for _line, c in _rows(files["add"], "add"):
            entry = entries.get(c[0])
            if entry is None:
                parsed.skip("orphan_addresses")
                continue
            parts = zip(("address", "city", "country"), c[2:5], strict=True)
            address = {k: v for k, v in parts if v}
            if address:
                entry.data.setdefault("addresses", []).append(address)
            if c[4]:
                add_unique(entry.data.setdefault("countries", []), c[4])
    for entry in entries.values():
        parse_remarks(entry)
        if entry.kind == "vessel" and entry.data.get("vessel", {}).get("flag"):
            add_unique(entry.data.setdefault("countries", []), entry.data["vessel"]["flag"])
    parsed.entries = list(entries.values())
    return parsed
