"""Reads of appeals' evidence files (DSA Art. 20) for staff. Never write."""

from __future__ import annotations

from tradepost.errors import NotFound
from tradepost.trust.models.actions import Appeal
from tradepost.trust.models.evidence import AppealEvidence


def known_id(value: object) -> bool:
    return isinstance(value, int) and 0 < value < 2**63


def appeal_for_staff(appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("member", "decided_by", "action")
        .prefetch_related("evidence_files")
        .filter(pk=appeal_id)
        .first()
        if known_id(appeal_id)
        else None
    )
    if appeal is None:
        raise NotFound("No such appeal.")
    return appeal


def appeal_evidence_get(*, appeal_id: int, evidence_id: int) -> AppealEvidence:
    """One evidence file of one appeal (404 alike for a missing file and a wrong pair)."""
    row = (
        AppealEvidence.objects.filter(pk=evidence_id, appeal_id=appeal_id).first()
        if known_id(appeal_id) and known_id(evidence_id)
        else None
    )
    if row is None:
        raise NotFound("No such evidence file.")
    return row
