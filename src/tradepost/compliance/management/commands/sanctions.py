"""`tradepost sanctions ...`: the sanctions lists screening uses (clauses 5.6 k, 5.13).

- `import --format ofac-csv|ofac-xml|un-xml|ftm [--published DATE] [--allow-older] PATH...`:
  read one list's published files (no network) and apply them as a new version, a diff against
  the version in force. The same files twice change nothing. Files older than the version in
  force, or of unknown order (one side undated), are refused unless `--allow-older`; an OFAC
  CSV set can be given its date with `--published`. Progress goes to stderr, the result to
  stdout.
- `lists [--json]`: the version in force of each list.
- `rescreen [--batch N] [--limit N] [--restart]`: screen every member again against the lists
  in force, in batches, with progress; an interrupted run continues from its cursor.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tradepost.errors import DomainError


class Command(BaseCommand):
    help = "Sanctions lists: import a list's published files as a new version; show the lists."

    def add_arguments(self, parser: CommandParser) -> None:
        from tradepost.compliance.services import READERS

        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = sub.add_parser("import", help="Import one list's files as a new version (a diff).")
        imp.add_argument("--format", dest="fmt", required=True, choices=sorted(READERS))
        imp.add_argument(
            "--published",
            type=_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="Publication date of files that carry none (OFAC's CSV set).",
        )
        imp.add_argument(
            "--allow-older",
            action="store_true",
            help="Apply files older than the version in force, or of unknown order.",
        )
        imp.add_argument("paths", nargs="+", metavar="PATH", type=Path)
        lists = sub.add_parser("lists", help="The version in force of each list.")
        lists.add_argument("--json", action="store_true", help="Print JSON.")
        again = sub.add_parser("rescreen", help="Screen every member again (resumable).")
        again.add_argument("--batch", type=int, default=200, help="Members per transaction.")
        again.add_argument("--limit", type=int, default=None, help="Stop after N members.")
        again.add_argument("--restart", action="store_true", help="Start over, not resume.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action)(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _import(
        self,
        *,
        fmt: str,
        paths: list[Path],
        published: date | None = None,
        allow_older: bool = False,
        **_options: Any,
    ) -> None:
        from tradepost.compliance.services import sanctions_import

        def progress(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        result = sanctions_import(
            fmt=fmt, paths=paths, progress=progress, published=published, allow_older=allow_older
        )
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())) or "0"
        status = _("unchanged") if result.unchanged else _("new version")
        self.stdout.write(
            _(
                "%(source)s version %(version)d (%(status)s): published %(published)s, "
                "%(entries)d entries, %(aliases)d aliases; %(added)d added, %(changed)d "
                "changed, %(removed)d removed; skipped: %(skipped)s"
            )
            % {
                "source": result.source,
                "version": result.version,
                "status": status,
                "published": result.published.isoformat() if result.published else "-",
                "entries": result.entries,
                "aliases": result.aliases,
                "added": result.added,
                "changed": result.changed,
                "removed": result.removed,
                "skipped": skipped,
            }
        )

    def _lists(self, *, json: bool = False, **_options: Any) -> None:
        from tradepost.compliance.selectors import lists_current

        rows = lists_current()
        if json:
            self.stdout.write(_dumps(rows))
            return
        if not rows:
            self.stdout.write(_("No sanctions list imported yet."))
        for row in rows:
            self.stdout.write(
                _(
                    "%(source)s v%(version)d published %(published)s: %(entries)d entries, "
                    "%(aliases)d aliases"
                )
                % {**row, "published": row["published"] or "-"}
            )

    def _rescreen(self, *, batch: int, limit: int | None, restart: bool, **_options: Any) -> None:
        from tradepost.compliance.screening import members_rescreen

        if batch < 1 or (limit is not None and limit < 1):
            raise CommandError(_("--batch and --limit must be at least 1."))

        def progress(done: int, total: int) -> None:
            print(
                _("screened %(done)d of %(total)d members") % {"done": done, "total": total},
                file=sys.stderr,
                flush=True,
            )

        cursor = members_rescreen(batch=batch, restart=restart, limit=limit, progress=progress)
        state = _("finished") if cursor.finished_at else _("paused; run again to continue")
        self.stdout.write(
            _("Rescreen %(state)s: %(screened)d members screened.")
            % {"state": state, "screened": cursor.screened}
        )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date YYYY-MM-DD") % {"value": value}
        ) from exc


def _dumps(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
