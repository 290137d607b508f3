"""`tradepost agreements import|list`: Additional Agreements (clause 1.5) from the command line.

    tradepost agreements import FILE --key transaction-services --service online_orders \\
        --effective 2026-05-01 [--title "Transaction Services Agreement"] [--site alibaba]

The first import of a key creates the agreement (give --title); later imports post new
versions. Members must accept the version in force before they next use the service.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradepost.errors import DomainError
from tradepost.policy import SITES
from tradepost.terms import services
from tradepost.terms.models import AdditionalAgreement
from tradepost.terms.policy import load_services_policy


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--effective must be a date as YYYY-MM-DD, got {value!r}") from exc


class Command(BaseCommand):
    help = "Import and list Additional Agreements (clause 1.5)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        p = sub.add_parser("import", help="Post a version of an agreement from a text file.")
        p.add_argument("file")
        p.add_argument("--key", required=True, help="e.g. transaction-services")
        p.add_argument("--service", required=True, choices=list(load_services_policy().services))
        p.add_argument("--effective", required=True, help="YYYY-MM-DD")
        p.add_argument("--title", default="", help="Required when the key is new.")
        p.add_argument("--label", default="", help="Default: '<title>, effective <date>'.")
        p.add_argument("--site", default="", choices=["", *SITES], help="Default: every site.")
        p.add_argument("--json", action="store_true")

        p = sub.add_parser("list", help="Every agreement and its versions.")
        p.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        version, created = services.agreement_import(
            key=options["key"],
            service=options["service"],
            effective_date=_day(options["effective"]),
            body=body,
            title=options["title"],
            site=options["site"],
            label=options["label"],
            source_name=path.name,
        )
        status = "created" if created else "unchanged"
        if options["json"]:
            data = {
                "agreement": version.agreement.key,
                "service": version.agreement.service,
                "id": version.pk,
                "label": version.label,
                "effective_date": version.effective_date.isoformat(),
                "status": status,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"{version.effective_date:%Y-%m-%d}  {version.agreement.title}: {version.label}"
                f"  id {version.pk}: {status}"
            )

    def _list(self, options: dict[str, Any]) -> None:
        agreements = AdditionalAgreement.objects.prefetch_related("versions").order_by("key")
        data: list[dict[str, Any]] = [
            {
                "key": a.key,
                "title": a.title,
                "service": a.service,
                "site": a.site,
                "versions": [
                    {"id": v.pk, "label": v.label, "effective_date": v.effective_date.isoformat()}
                    for v in a.versions.all()
                ],
            }
            for a in agreements
        ]
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for a in data:
            self.stdout.write(f"{a['key']}  {a['title']}  ({a['service']}, {a['site'] or 'all'})")
            for v in a["versions"]:
                self.stdout.write(f"  {v['id']:>5}  {v['effective_date']}  {v['label']}")
        if not data:
            self.stdout.write("No agreements.")
