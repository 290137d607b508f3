"""`GET /api/v1/staff/audit`: the audit trail, oldest first. There is no operation that
changes or removes a row (PUT, PATCH and DELETE answer 405)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tradepost.api_paging import LimitOffsetPaging
from tradepost.audit.models import AuditEntry
from tradepost.audit.selectors import audit_entries
from tradepost.trust.api.common import staff_permission

router = Router()


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    target_type: str
    target_id: str
    member_id: str
    reason: str
    clause: str
    before: dict[str, Any]
    after: dict[str, Any]
    request_id: str


class AuditQuery(Schema):
    target: str = Field("", max_length=64)
    action: str = Field("", max_length=64)
    actor: str = Field("", max_length=150)
    clause: str = Field("", max_length=64)


@router.get("/audit", response=list[AuditOut])
@paginate(LimitOffsetPaging)
@staff_permission("audit.view_auditentry")
def audit_list(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEntry]:
    """The audit rows, oldest first, paged like every list (`{"items", "count"}`); `target` is a
    member ID (every row about that member) or any target id."""
    return audit_entries(
        target=filters.target, action=filters.action, actor=filters.actor, clause=filters.clause
    )
