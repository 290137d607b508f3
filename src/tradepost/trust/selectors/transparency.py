"""The transparency report (clause 6.4, and what the EU DSA Art. 15 and 24 ask platforms to
publish): disclosure requests by country, legal basis and outcome, the accounts affected, the
median time to decide and to fulfil, and the disciplinary actions (6.2) by kind and clause, for
one period. Aggregates only: no requester, reference or member ID appears in it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count

from tradepost.errors import InvalidInput
from tradepost.trust.models.actions import Action, ActionKind
from tradepost.trust.models.requests import DisclosureRequest, InformationRequest
from tradepost.trust.rules.requests import median_days


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and its label ("2026", "2026-Q1" or "2026-01-01..2026-03-31")."""

    start: datetime
    end: datetime
    label: str


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def report_period(
    *,
    period: str = "",
    from_: date | None = None,
    to: date | None = None,
    today: date | None = None,
) -> Period:
    """A calendar year ("2026"), a quarter ("2026-Q2"), or from/to days (both included);
    the current year when nothing is given."""
    today = today or datetime.now(tz=UTC).date()
    if from_ or to:
        if period:
            raise InvalidInput("Give a period or from/to, not both.", fields={"period": ["Both."]})
        start_day = from_ or date(today.year, 1, 1)
        end_day = to or today
        if not (2000 <= start_day.year <= 2100 and 2000 <= end_day.year <= 2100):
            raise InvalidInput(
                "Dates are from 2000 to 2100.", fields={"from": ["From 2000 to 2100."]}
            )
        if end_day < start_day:
            raise InvalidInput("`to` is before `from`.", fields={"to": ["Before from."]})
        if (end_day - start_day).days > 3660:
            raise InvalidInput("At most ten years.", fields={"to": ["At most ten years."]})
        return Period(
            _day_start(start_day),
            _day_start(end_day + timedelta(days=1)),
            f"{start_day.isoformat()}..{end_day.isoformat()}",
        )
    label = period or str(today.year)
    year_text, _, quarter_text = label.partition("-Q")
    if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
        raise InvalidInput(
            "The period is a year (2026) or a quarter (2026-Q1).",
            fields={"period": ["A year such as 2026, or 2026-Q1."]},
        )
    year = int(year_text)
    if not quarter_text:
        return Period(_day_start(date(year, 1, 1)), _day_start(date(year + 1, 1, 1)), label)
    if quarter_text not in {"1", "2", "3", "4"}:
        raise InvalidInput("A quarter is Q1 to Q4.", fields={"period": ["Q1 to Q4."]})
    q = int(quarter_text)
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period(_day_start(start), _day_start(end), label)


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def disclosure_figures(period: Period) -> dict[str, Any]:
    """Requests received in the period: by country, legal basis, requester type and outcome;
    accounts specified and affected (data disclosed); median days to decide and to fulfil,
    counted from receipt."""
    rows = list(
        DisclosureRequest.objects.filter(
            received_at__gte=period.start, received_at__lt=period.end
        ).only(
            "country",
            "legal_basis",
            "requester_type",
            "decision",
            "member_ids",
            "approved_member_ids",
            "received_at",
            "decided_at",
            "fulfilled_at",
        )
    )
    specified: set[str] = set()
    affected: set[str] = set()
    for r in rows:
        specified.update(r.member_ids)
        if r.fulfilled_at is not None:
            affected.update(r.approved_member_ids)
    return {
        "received": len(rows),
        "by_country": _sorted_counts(Counter(r.country for r in rows)),
        "by_legal_basis": _sorted_counts(Counter(r.legal_basis for r in rows)),
        "by_requester_type": _sorted_counts(Counter(r.requester_type for r in rows)),
        "by_outcome": _sorted_counts(Counter(r.decision or "pending" for r in rows)),
        "fulfilled": sum(1 for r in rows if r.fulfilled_at is not None),
        "accounts_specified": len(specified),
        "accounts_affected": len(affected),
        "median_days_to_decide": median_days(
            r.decided_at - r.received_at for r in rows if r.decided_at is not None
        ),
        "median_days_to_fulfil": median_days(
            r.fulfilled_at - r.received_at for r in rows if r.fulfilled_at is not None
        ),
    }


def information_request_figures(period: Period) -> dict[str, Any]:
    """Information requests (5.9, 7.5) sent in the period, by clause and by status."""
    rows = InformationRequest.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    ).values_list("clause", "status", "answered_at", "created_at")
    items = list(rows)
    return {
        "sent": len(items),
        "by_clause": _sorted_counts(Counter(c for c, _, _, _ in items)),
        "by_status": _sorted_counts(Counter(s for _, s, _, _ in items)),
        "median_days_to_answer": median_days(a - c for _, _, a, c in items if a is not None),
    }


def action_figures(period: Period) -> list[dict[str, Any]]:
    """Disciplinary actions (6.2) that took effect in the period, by kind and clause; one per
    account reached (an action on a related cluster counts each member)."""
    labels = dict(ActionKind.choices)
    rows = (
        Action.objects.filter(starts_at__gte=period.start, starts_at__lt=period.end)
        .values("kind", "clause")
        .annotate(count=Count("id"))
        .order_by("kind", "clause")
    )
    return [
        {
            "kind": row["kind"],
            "label": labels.get(row["kind"], row["kind"]),
            "clause": row["clause"],
            "count": row["count"],
        }
        for row in rows
    ]


def transparency_report(period: Period) -> dict[str, Any]:
    return {
        "period": period.label,
        "from": period.start.date().isoformat(),
        "to": (period.end - timedelta(days=1)).date().isoformat(),
        "disclosure_requests": disclosure_figures(period),
        "information_requests": information_request_figures(period),
        "actions": action_figures(period),
    }


def transparency_report_csv(report: dict[str, Any]) -> str:
    """One row per figure: section, dimension, key, value (a spreadsheet reads it as is)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", "section", "dimension", "key", "value"])
    label = report["period"]
    for section in ("disclosure_requests", "information_requests"):
        for name, value in report[section].items():
            if isinstance(value, dict):
                for key, count in value.items():
                    writer.writerow([label, section, name, key, count])
            else:
                writer.writerow([label, section, name, "", "" if value is None else value])
    for row in report["actions"]:
        writer.writerow([label, "actions", row["kind"], row["clause"], row["count"]])
    return out.getvalue()
