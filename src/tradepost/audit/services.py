"""Writing the audit trail. Every app's services call `audit_record` inside their transaction,
so the row exists exactly when the change does."""

from __future__ import annotations

from typing import Any

from tradepost.audit.context import current_request_id
from tradepost.audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    target_type: str,
    target_id: object,
    member_id: str = "",
    reason: str = "",
    clause: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. `actor` is a User, or None for the platform itself."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        member_id=member_id,
        reason=reason,
        clause=clause,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        request_id=current_request_id(),
    )
