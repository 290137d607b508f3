"""Reading the audit trail."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tradepost.audit.models import AuditEntry


def audit_entries(
    *, target: str = "", action: str = "", actor: str = "", clause: str = ""
) -> QuerySet[AuditEntry]:
    """Rows oldest first. `target` matches a member ID (every row about that member) or a
    target id."""
    rows = AuditEntry.objects.select_related(None).order_by("at", "id")
    if target:
        rows = rows.filter(Q(member_id=target) | Q(target_id=target))
    if action:
        rows = rows.filter(action=action)
    if actor:
        rows = rows.filter(actor_label=actor)
    if clause:
        rows = rows.filter(clause=clause)
    return rows
