"""Use cases of the compliance app. Clause 5.13: the platform screens against the published
sanctions lists, so it keeps each list's versions and applies a new one as a diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from types import ModuleType

from django.db import transaction
from django.utils.translation import gettext as _

from tradepost.audit.services import audit_record
from tradepost.compliance import rules
from tradepost.compliance.importers import (
    ParsedEntry,
    ParsedList,
    Progress,
    ftm,
    ofac_csv,
    ofac_xml,
    un_xml,
)
from tradepost.compliance.models import Alias, Entry, ListVersion, SanctionsList
from tradepost.errors import InvalidInput

READERS: dict[str, ModuleType] = {
    "ofac-csv": ofac_csv,
    "ofac-xml": ofac_xml,
    "un-xml": un_xml,
    "ftm": ftm,
}
BATCH = 2000


@dataclass
class ImportResult:
    source: str
    version: int
    published: date | None
    entries: int
    aliases: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False


def _result(version: ListVersion, *, unchanged: bool) -> ImportResult:
    return ImportResult(
        source=version.sanctions_list.source,
        version=version.number,
        published=version.published,
        entries=version.entry_count,
        aliases=version.alias_count,
        added=0 if unchanged else version.added_count,
        changed=0 if unchanged else version.changed_count,
        removed=0 if unchanged else version.removed_count,
        skipped=dict(version.skipped),
        unchanged=unchanged,
    )


def _quiet(_message: str) -> None:
    return None


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _aliases(entry_id: int, parsed: ParsedEntry) -> list[Alias]:
    return [
        Alias(
            entry_id=entry_id,
            name=alias.name[:500],
            alias_type=alias.alias_type,
            quality=alias.quality,
            script=alias.script,
        )
        for alias in parsed.aliases
    ]


def sanctions_import(
    *,
    fmt: str,
    paths: list[Path],
    progress: Progress | None = None,
    published: date | None = None,
    allow_older: bool = False,
) -> ImportResult:
    """Import one list's files as a new version, applied as a diff against the version in
    force. The same files again change nothing (the result says `unchanged`). A malformed file
    raises `ImportFileError` naming the file and the line or element, and nothing is written.
    A new version queues a rescreen of every member (`tasks.rescreen_members`).

    `published` gives the publication date of files that carry none (OFAC's CSV set). Files
    older than the version in force, or whose order against it cannot be told (one of the two
    is undated), are refused unless `allow_older` says the operator means it."""
    say: Callable[[str], None] = progress or _quiet
    reader = READERS.get(fmt)
    if reader is None:
        raise InvalidInput(
            _("Unknown format %(fmt)s; use one of %(all)s.")
            % {"fmt": fmt, "all": ", ".join(READERS)}
        )
    if not paths:
        raise InvalidInput(_("Name at least one file to import."))
    for path in paths:
        if not path.is_file():
            raise InvalidInput(_("%(path)s: no such file.") % {"path": path})
    files_hash = rules.files_fingerprint(paths)
    say(_("reading %(n)d file(s) as %(fmt)s") % {"n": len(paths), "fmt": fmt})
    parsed: ParsedList = reader.read(paths, say)
    if published is not None:
        parsed.published = published
    result = _apply(
        parsed,
        files_hash=files_hash,
        file_names=[p.name for p in paths],
        say=say,
        allow_older=allow_older,
    )
    if not result.unchanged:
        # Clause 5.13: members screened against the old version are screened again, in the
        # background, once the new version is committed.
        version_id = ListVersion.objects.get(
            sanctions_list__source=result.source, number=result.version
        ).pk
        transaction.on_commit(partial(_enqueue_rescreen, version_id), robust=True)
    return result


def _enqueue_rescreen(version_id: int) -> None:
    from tradepost.compliance import tasks

    tasks.rescreen_members.enqueue(versions=[version_id])


def _refuse_out_of_order(parsed: ParsedList, current: ListVersion) -> None:
    order = rules.publication_order(current.published, parsed.published)
    values = {
        "source": parsed.source,
        "number": current.number,
        "new": parsed.published or "-",
        "old": current.published or "-",
    }
    if order == "older":
        raise InvalidInput(
            _(
                "%(source)s: these files were published %(new)s, before version %(number)d in "
                "force (%(old)s); an older list is not applied over a newer one. Pass "
                "--allow-older if that is what you mean."
            )
            % values
        )
    if order == "unknown":
        raise InvalidInput(
            _(
                "%(source)s: cannot tell whether these files (published %(new)s) are newer "
                "than version %(number)d in force (published %(old)s): one of them carries no "
                "publication date. Give the date of the undated files with --published "
                "YYYY-MM-DD, or pass --allow-older to apply them anyway."
            )
            % values
        )


@transaction.atomic
def _apply(
    parsed: ParsedList,
    *,
    files_hash: str,
    file_names: list[str],
    say: Callable[[str], None],
    allow_older: bool,
) -> ImportResult:
    sanctions_list, _created = SanctionsList.objects.get_or_create(
        source=parsed.source, defaults={"title": parsed.title}
    )
    sanctions_list = SanctionsList.objects.select_for_update().get(pk=sanctions_list.pk)
    current = sanctions_list.versions.order_by("-number").first()
    if current is not None and current.content_hash == files_hash:
        return _result(current, unchanged=True)

    if current is not None and not allow_older:
        _refuse_out_of_order(parsed, current)
    incoming = {e.source_id: e for e in parsed.entries}
    hashes = {source_id: rules.entry_fingerprint(e) for source_id, e in incoming.items()}
    stored: dict[str, tuple[int, str, int | None]] = {
        source_id: (pk, content_hash, removed_in)
        for source_id, pk, content_hash, removed_in in Entry.objects.filter(
            sanctions_list=sanctions_list
        ).values_list("source_id", "pk", "content_hash", "removed_in_id")
    }
    in_force = {sid: row[1] for sid, row in stored.items() if row[2] is None}
    plan = rules.diff_plan(current=in_force, incoming=hashes)
    if current is not None and plan.empty and current.published == parsed.published:
        return _result(current, unchanged=True)

    version = ListVersion.objects.create(
        sanctions_list=sanctions_list,
        number=(current.number + 1) if current else 1,
        published=parsed.published,
        content_hash=files_hash,
        file_names=file_names,
        entry_count=len(parsed.entries),
        alias_count=sum(len(e.aliases) for e in parsed.entries),
        added_count=len(plan.added),
        changed_count=len(plan.changed),
        removed_count=len(plan.removed),
        skipped=parsed.skipped,
    )
    say(
        _("applying: %(a)d added, %(c)d changed, %(r)d removed")
        % {"a": len(plan.added), "c": len(plan.changed), "r": len(plan.removed)}
    )

    def fill(row: Entry, source_id: str) -> Entry:
        entry = incoming[source_id]
        row.kind = entry.kind
        row.name = entry.name[:500]
        row.programs = entry.programs
        row.remarks = entry.remarks
        row.data = entry.data
        row.content_hash = hashes[source_id]
        row.last_changed = version
        row.removed_in = None
        return row

    # Entries new to the list are created; those that come back after a removal, and those
    # that changed, are updated in place with their aliases replaced.
    fresh = [sid for sid in plan.added if sid not in stored]
    revived = [sid for sid in plan.added if sid in stored]
    done = 0
    for chunk in _chunks(fresh):
        rows = Entry.objects.bulk_create(
            [
                fill(Entry(sanctions_list=sanctions_list, source_id=sid, first_seen=version), sid)
                for sid in chunk
            ]
        )
        aliases = [a for row in rows for a in _aliases(row.pk, incoming[row.source_id])]
        Alias.objects.bulk_create(aliases, batch_size=BATCH)
        done += len(chunk)
        say(_("%(n)d entries written") % {"n": done})
    for chunk in _chunks(plan.changed + revived):
        rows = [fill(Entry(pk=stored[sid][0], source_id=sid), sid) for sid in chunk]
        Entry.objects.bulk_update(
            rows,
            [
                "kind",
                "name",
                "programs",
                "remarks",
                "data",
                "content_hash",
                "last_changed",
                "removed_in",
            ],
        )
        Alias.objects.filter(entry_id__in=[row.pk for row in rows]).delete()
        Alias.objects.bulk_create(
            [a for row in rows for a in _aliases(row.pk, incoming[row.source_id])],
            batch_size=BATCH,
        )
    for chunk in _chunks(plan.removed):
        Entry.objects.filter(pk__in=[stored[sid][0] for sid in chunk]).update(removed_in=version)

    audit_record(
        actor=None,
        action="compliance.list_version_imported",
        target_type="compliance.listversion",
        target_id=version.pk,
        clause="5.13",
        after={
            "source": sanctions_list.source,
            "version": version.number,
            "published": version.published,
            "entries": version.entry_count,
            "aliases": version.alias_count,
            "added": version.added_count,
            "changed": version.changed_count,
            "removed": version.removed_count,
            "skipped": version.skipped,
        },
    )
    return _result(version, unchanged=False)
