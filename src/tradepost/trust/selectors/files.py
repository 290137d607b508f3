"""Reads of the confidential files Trust & Safety keeps, for their downloads. Never write.

Media is not served for these: every file is fetched here, by its parent's id and its own,
for staff (whose role the API checks) or for the one member it belongs to (the rights holder
for a right's documents, the supplier for its counter-notice's evidence, the member asked for
an information request's files, the appellant for an appeal's evidence). A missing file, a
wrong pair of ids and another member's file answer the same 404, so an id probe learns
nothing. Case evidence and disclosure exports are staff's only.
"""

from __future__ import annotations

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trust.models import (
    AppealEvidence,
    CaseEvidence,
    InformationRequestFile,
    IPDocument,
)


def _known(*ids: object) -> bool:
    return all(isinstance(pk, int) and 0 < pk < 2**63 for pk in ids)


def ip_right_document_get(
    *, right_id: int, document_id: int, holder: Member | None = None
) -> IPDocument:
    """Clause 5.4: a document of a registered right; for a member only its own right's."""
    rows = IPDocument.objects.filter(pk=document_id, right_id=right_id)
    if holder is not None:
        rows = rows.filter(right__holder=holder)
    found = rows.first() if _known(right_id, document_id) else None
    if found is None:
        raise NotFound("No such document.")
    return found


def counter_notice_document_get(
    *, claim_id: int, document_id: int, supplier: Member | None = None
) -> IPDocument:
    """Clause 5.4: evidence of a counter-notice; for a member only the supplier who filed it
    (the rights holder sees the list, not the files)."""
    rows = IPDocument.objects.filter(pk=document_id, counter_notice__claim_id=claim_id)
    if supplier is not None:
        rows = rows.filter(counter_notice__claim__supplier=supplier)
    found = rows.first() if _known(claim_id, document_id) else None
    if found is None:
        raise NotFound("No such document.")
    return found


def case_evidence_file_get(*, case_id: int, evidence_id: int) -> CaseEvidence:
    """Clause 6.2: a file staff added to a case (a note without a file has none)."""
    found = (
        CaseEvidence.objects.filter(pk=evidence_id, case_id=case_id).exclude(file="").first()
        if _known(case_id, evidence_id)
        else None
    )
    if found is None:
        raise NotFound("No such evidence file.")
    return found


def information_file_for_member(
    *, member: Member, request_id: int, file_id: int
) -> InformationRequestFile:
    """Clauses 5.9, 7.5: a file the member sent with its answer."""
    found = (
        InformationRequestFile.objects.filter(
            pk=file_id, request_id=request_id, request__member=member
        ).first()
        if _known(request_id, file_id)
        else None
    )
    if found is None:
        raise NotFound("File not found.")
    return found


def appeal_evidence_for_member(
    *, member: Member, appeal_id: int, evidence_id: int
) -> AppealEvidence:
    """DSA Art. 20: a file the appellant gave with its appeal."""
    found = (
        AppealEvidence.objects.filter(
            pk=evidence_id, appeal_id=appeal_id, appeal__member=member
        ).first()
        if _known(appeal_id, evidence_id)
        else None
    )
    if found is None:
        raise NotFound("No such evidence file.")
    return found
