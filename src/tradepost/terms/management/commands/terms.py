"""`tradepost terms import|list|in-force|diff|translate|announce|export-acceptances`: the Terms from
the command line.

Scripts rely on the --json output: `list` prints [{id, label, effective_date}], `in-force` one
such object, `diff` {added, removed, changed, heading_only} as lists of clause numbers.
`export-acceptances MEMBER_ID --format csv|json` prints a member's acceptance history.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tradepost.errors import DomainError
from tradepost.members.models import Member
from tradepost.notices import selectors as notices_selectors
from tradepost.policy import SITES
from tradepost.terms import export, selectors, services


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--at must be a date as YYYY-MM-DD, got {value!r}") from exc


class Command(BaseCommand):
    help = "Import, list and compare versions of the Terms of Use."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        p = sub.add_parser("import", help="Import every dated part of a Terms document.")
        p.add_argument("file")
        p.add_argument("--site", required=True, choices=SITES)
        p.add_argument("--json", action="store_true")
        p.add_argument(
            "--fanout",
            action="store_true",
            help="Notify the members now, showing progress, instead of leaving it to the worker.",
        )

        p = sub.add_parser("list", help="The site's versions, newest first.")
        p.add_argument("--site", required=True, choices=SITES)
        p.add_argument("--json", action="store_true")

        p = sub.add_parser("in-force", help="The version in force on a day (clause 1.3).")
        p.add_argument("--site", required=True, choices=SITES)
        p.add_argument("--at", type=str, default=None, help="YYYY-MM-DD (default: today)")
        p.add_argument("--json", action="store_true")

        p = sub.add_parser("diff", help="Clauses added, removed, changed between two versions.")
        p.add_argument("id_from", type=int)
        p.add_argument("id_to", type=int)
        p.add_argument("--json", action="store_true")

        p = sub.add_parser("translate", help="Attach a translation to a version (clause 1.4).")
        p.add_argument("version_id", type=int)
        p.add_argument("file")
        p.add_argument("--language", required=True)
        p.add_argument("--replace", action="store_true")

        p = sub.add_parser(
            "announce", help="Post a Terms version publicly and queue its fan-out (1.3)."
        )
        p.add_argument("version_id", type=int)

        p = sub.add_parser(
            "export-acceptances",
            help="A member's acceptances of the Terms and Additional Agreements (1.1, 1.5, 4.4).",
        )
        p.add_argument("member_id", help="The member ID (clause 4.2), e.g. DE1A2B3C4D")
        p.add_argument("--format", choices=export.FORMATS, default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except services.TermsDocumentInvalid as exc:
            raise CommandError(f"{options['file']}:{exc.line}: {exc.reason}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _emit(self, options: dict[str, Any], data: Any, lines: list[str]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for line in lines:
                self.stdout.write(line)

    def _import(self, options: dict[str, Any]) -> None:
        text = _read(options["file"])
        started = time.perf_counter()
        result = services.terms_import(
            site=options["site"], text=text, source_name=Path(options["file"]).name
        )
        elapsed = time.perf_counter() - started
        data = {
            "site": result.site,
            "versions": [
                {
                    "id": v.version_pk,
                    "label": v.label,
                    "effective_date": v.effective_date.isoformat(),
                    "status": v.status,
                }
                for v in result.versions
            ],
        }
        lines = [
            f"{v.effective_date:%Y-%m-%d}  {v.label}  id {v.version_pk}: {v.status}"
            for v in result.versions
        ]
        lines.append(
            f"{len(result.created)} new, {len(result.versions) - len(result.created)} unchanged "
            f"for {result.site} in {elapsed:.3f} s."
        )
        campaigns = notices_selectors.campaigns_for_terms_versions(
            version_ids=[v.version_pk for v in result.versions if v.status == "created"]
        )
        for campaign in campaigns:
            lines.append(
                f"Notice of version {campaign.terms_version_id} posted publicly (11.2 b); "
                f"campaign {campaign.pk} notifies {campaign.total} members in batches "
                f"(the worker runs it; `tradepost notices fanout {campaign.pk}` shows progress "
                "and resumes it)."
            )
        self._emit(options, data, lines)
        if options.get("fanout"):
            for campaign in campaigns:
                call_command("notices", "fanout", str(campaign.pk), stdout=self.stdout)

    def _list(self, options: dict[str, Any]) -> None:
        versions = list(selectors.terms_versions(site=options["site"]))
        data = [selectors.terms_version_summary(v) for v in versions]
        lines = [f"{v.pk:>5}  {v.effective_date:%Y-%m-%d}  {v.label}" for v in versions]
        self._emit(options, data, lines or ["No versions."])

    def _in_force(self, options: dict[str, Any]) -> None:
        day = _day(options["at"]) if options["at"] else timezone.localdate()
        version = selectors.terms_version_in_force_on(site=options["site"], day=day)
        line = f"{version.pk:>5}  {version.effective_date:%Y-%m-%d}  {version.label}"
        self._emit(options, selectors.terms_version_summary(version), [line])

    def _diff(self, options: dict[str, Any]) -> None:
        before = selectors.terms_version_get(version_id=options["id_from"])
        after = selectors.terms_version_get(version_id=options["id_to"])
        diff = selectors.terms_versions_diff(from_version=before, to_version=after)
        lines = [
            f"From {before.label} ({before.effective_date}) to {after.label} "
            f"({after.effective_date}):"
        ]
        for kind, numbers in diff.summary().items():
            lines.append(f"  {kind.replace('_', ' ')}: {', '.join(numbers) or 'none'}")
        if diff.preamble:
            lines.append("  the introduction (before clause 1.1) changed too")
        self._emit(options, diff.summary(), lines)

    def _translate(self, options: dict[str, Any]) -> None:
        version = selectors.terms_version_get(version_id=options["version_id"])
        translation = services.terms_translation_attach(
            version=version,
            language=options["language"],
            body=_read(options["file"]),
            replace=options["replace"],
        )
        self.stdout.write(
            f"{translation.language} translation of {version.label} (version {version.pk}) "
            "stored; the English version governs (clause 1.4)."
        )

    def _announce(self, options: dict[str, Any]) -> None:
        campaign = services.terms_version_announce(version_pk=options["version_id"])
        self.stdout.write(
            f"Campaign {campaign.pk}: posting #{campaign.posting_id} is on the public board; "
            f"{campaign.total} active members of {campaign.site} to notify ({campaign.status})."
        )

    def _export_acceptances(self, options: dict[str, Any]) -> None:
        member = Member.objects.filter(member_id=options["member_id"]).first()
        if member is None:
            raise CommandError(f"No member with ID {options['member_id']!r}.")
        rows = export.acceptance_rows([member])
        self.stdout.write(export.render(rows, options["format"]), ending="")
