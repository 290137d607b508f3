"""`GET /api/v1/status` (public, clause 9.1): maintenance windows and incidents in progress,
scheduled, and recently ended, with their published fields. While a read-only window is in
progress every write answers 503 `{"error": {"code": "maintenance"}}` with `Retry-After`
(`billing.middleware`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from tradepost.billing.selectors.operations import status_overview

router = Router()


class WindowOut(Schema):
    id: int
    kind: str
    cause: str
    title: str
    message: str
    starts_at: datetime
    ends_at: datetime | None
    ended_at: datetime | None
    read_only: bool
    status: str
    phase: str


class StatusOut(Schema):
    read_only: bool
    current: list[WindowOut]
    scheduled: list[WindowOut]
    recent: list[WindowOut]


@router.get("/status", response=StatusOut, auth=None)
def service_status(request: HttpRequest) -> dict[str, Any]:
    """Clause 9.1: what is in progress (`current`), what is scheduled (`scheduled`), and what
    ended in the last days (`recent`); `read_only` says whether writes wait now."""
    return status_overview()
