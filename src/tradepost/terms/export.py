"""A member's acceptance history as CSV or JSON, for staff (console action, `tradepost terms
export-acceptances`): the evidence of what each member agreed to, when, how and from where
(clauses 1.1, 1.3, 1.5, 4.4)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from tradepost.members.models import Member
from tradepost.terms.selectors import acceptance_history

COLUMNS = (
    "member_id",
    "company_name",
    "kind",
    "document",
    "agreement_key",
    "service",
    "site",
    "version_id",
    "version_label",
    "effective_date",
    "method",
    "accepted_at",
    "ip",
    "text_sha256",
)
FORMATS = ("csv", "json")


def acceptance_rows(members: Iterable[Member]) -> list[dict[str, object]]:
    """One row per acceptance, members in the order given, each newest first."""
    return [
        {
            "member_id": member.member_id,
            "company_name": member.company_name,
            "kind": r.kind,
            "document": r.document,
            "agreement_key": r.agreement_key,
            "service": r.service,
            "site": r.site,
            "version_id": r.version_id,
            "version_label": r.version_label,
            "effective_date": r.effective_date.isoformat(),
            "method": r.method,
            "accepted_at": r.accepted_at.isoformat(),
            "ip": r.ip or "",
            "text_sha256": r.text_sha256,
        }
        for member in members
        for r in acceptance_history(member_pk=member.pk)
    ]


def _cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rows_as_csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def rows_as_json(rows: list[dict[str, object]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def render(rows: list[dict[str, object]], fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    return rows_as_csv(rows) if fmt == "csv" else rows_as_json(rows)
